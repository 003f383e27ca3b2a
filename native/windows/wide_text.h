// UTF-8 <-> UTF-16 for the Windows backend: paths and names cross the seam as
// UTF-8 and Windows takes and gives UTF-16.
#pragma once

#include <windows.h>

#include <climits>
#include <string>

namespace ks {

// UTF-8 -> UTF-16. Fails on invalid UTF-8 and on embedded NULs (which would
// silently shorten a path).
inline bool Widen(const std::string& s, std::wstring* out) {
  out->clear();
  if (s.empty()) return true;
  if (s.size() > static_cast<size_t>(INT_MAX) || s.find('\0') != std::string::npos) return false;
  const int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), nullptr, 0);
  if (n <= 0) return false;
  out->resize(static_cast<size_t>(n));
  return MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s.data(), static_cast<int>(s.size()), &(*out)[0], n) == n;
}

// UTF-16 (at most `maxChars`, stopping at the first NUL) -> UTF-8.
inline std::string Narrow(const wchar_t* s, size_t maxChars) {
  size_t len = 0;
  while (len < maxChars && s[len] != L'\0') ++len;
  if (len == 0 || len > static_cast<size_t>(INT_MAX)) return std::string();
  const int n = WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(len), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return std::string();
  std::string out(static_cast<size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, s, static_cast<int>(len), &out[0], n, nullptr, nullptr);
  return out;
}

}  // namespace ks
