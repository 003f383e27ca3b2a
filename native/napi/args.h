// Argument checks and results shared by every N-API entry point: the same
// small guards written once (better-sqlite3's util/macros in spirit). A
// failed KS call is thrown with its status for TypeScript to name.
#pragma once

#include <napi.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "ks_backend.h"

namespace ks {

inline Napi::Array StatusTriple(Napi::Env env, const Status& status, uint32_t bytes) {
  Napi::Array triple = Napi::Array::New(env, 3);
  triple.Set(0u, Napi::Number::New(env, static_cast<int>(status.kind)));
  triple.Set(1u, Napi::Number::New(env, status.value));
  triple.Set(2u, Napi::Number::New(env, bytes));
  return triple;
}

// A failed call: TypeScript turns statusKind/statusValue into a named KsError.
[[noreturn]] inline void ThrowStatus(Napi::Env env, const Status& status, const char* operation) {
  Napi::Error error = Napi::Error::New(env, std::string(operation) + " failed");
  error.Set("statusKind", Napi::Number::New(env, static_cast<int>(status.kind)));
  error.Set("statusValue", Napi::Number::New(env, status.value));
  error.Set("operation", Napi::String::New(env, operation));
  throw error;
}

[[noreturn]] inline void ThrowCode(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

inline Guid GuidArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsBuffer() || info[index].As<Napi::Buffer<uint8_t>>().Length() != sizeof(Guid)) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) + " must be a 16-byte GUID Buffer");
  }
  Guid g;
  std::memcpy(&g, info[index].As<Napi::Buffer<uint8_t>>().Data(), sizeof g);
  return g;
}

inline double IdArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), "handle id must be a number");
  return info[index].As<Napi::Number>().DoubleValue();
}

// Optional Buffer argument: its bytes, or none for null/undefined.
inline bool BufferArg(const Napi::CallbackInfo& info, size_t index, uint8_t** data, uint32_t* length) {
  *data = nullptr;
  *length = 0;
  if (info[index].IsNull() || info[index].IsUndefined()) return false;
  if (!info[index].IsBuffer()) {
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(index) + " must be a Buffer or null");
  }
  auto buffer = info[index].As<Napi::Buffer<uint8_t>>();
  if (buffer.Length() > UINT32_MAX) throw Napi::RangeError::New(info.Env(), "buffers are limited to 4 GiB - 1");
  *data = buffer.Data();
  *length = static_cast<uint32_t>(buffer.Length());
  return true;
}

inline uint32_t Uint32Arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (!info[index].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  double v = info[index].As<Napi::Number>().DoubleValue();
  if (!(v >= 0 && v <= UINT32_MAX) || v != static_cast<double>(static_cast<uint32_t>(v))) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be an integer in 0..4294967295");
  }
  return static_cast<uint32_t>(v);
}

inline std::string PathArg(const Napi::CallbackInfo& info, size_t index) {
  if (!info[index].IsString()) throw Napi::TypeError::New(info.Env(), "path must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

}  // namespace ks
