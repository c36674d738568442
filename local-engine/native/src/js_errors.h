// C++ failures become JavaScript Errors with a `code`, never a crash.
#pragma once

#include <napi.h>

#include <string>

namespace switchyard {

inline Napi::Error codedError(Napi::Env env, const std::string& code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

}  // namespace switchyard
