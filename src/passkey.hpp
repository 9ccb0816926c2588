// Private to src/: makes the Passkey (include/tessera/passkey.hpp) that the constructors of the
// public key handles require, so that only the library's factories build them.
#pragma once

#include "tessera/passkey.hpp"

namespace tessera {

namespace detail {
struct PasskeyFactory {
  static Passkey make() noexcept { return Passkey(); }
};
}  // namespace detail

inline Passkey internal_passkey() noexcept { return detail::PasskeyFactory::make(); }

}  // namespace tessera
