// Error's constructor is explicit: an Errc does not silently become an Error.
// EXPECT: conversion from .*Errc.* to .*Error|could not convert
#include "tessera/error.hpp"

tessera::Error misuse() {
#ifdef TESSERA_CONTROL
  return tessera::Error{tessera::Errc::internal};
#else
  return tessera::Errc::internal;
#endif
}
