#include "link_translation.h"

#include <cctype>

namespace ks::bridge {
namespace {

std::string Lower(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) out.push_back(c < 128 ? static_cast<char>(std::tolower(static_cast<int>(c))) : '?');
  return out;
}

std::string Lower(const std::string& s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string CategoryOf(const std::string& lowerPath) {
  const size_t open = lowerPath.rfind("#{");
  if (open == std::string::npos || lowerPath.size() < open + 39) return std::string();
  return lowerPath.substr(open + 1, 38);
}

}  // namespace

std::u16string BridgeLinkFor(const std::u16string& emulatorLink, const std::vector<BridgeDevice>& devices) {
  if (emulatorLink.size() < 4) return std::u16string();
  // \??\x is what \\?\x names in user mode.
  const std::string asPath = "\\\\?\\" + Lower(emulatorLink.substr(4));
  for (const BridgeDevice& device : devices) {
    if (Lower(device.emulatorPath) != asPath || device.interfacePaths.empty()) continue;
    const std::string category = CategoryOf(asPath);
    std::wstring chosen = device.interfacePaths[0];
    for (const std::wstring& path : device.interfacePaths) {
      std::string lower;
      for (wchar_t c : path) lower.push_back(c < 128 ? static_cast<char>(std::tolower(static_cast<int>(c))) : '?');
      if (!category.empty() && CategoryOf(lower) == category) chosen = path;
    }
    std::u16string link = u"\\??\\";
    for (size_t i = 4; i < chosen.size(); ++i) link.push_back(static_cast<char16_t>(chosen[i]));
    return link;
  }
  return std::u16string();
}

}  // namespace ks::bridge
