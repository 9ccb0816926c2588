// Small private files of the data directory (signing keys, the device-cookie key, the
// remembered store epoch): written whole to an O_EXCL temporary file next to the target (mode
// 0600), fsynced, then put in place, and the directory fsynced, so a crash never leaves a
// half-written file under the final name.
// Thread safety: free functions; concurrent writers of one path are settled by the file system.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"

namespace tessera::server {

enum class Placement {
  create_only,  // link(): an existing file is kept (two instances starting at once agree on one)
  replace,      // rename(): the new content replaces the old atomically
};

// Writes bytes to path in dir. Returns true when this call put the file in place (false: it
// existed and create_only kept it). io_error on failure (the temporary file is removed).
Result<bool> write_private_file(const std::string& dir, const std::string& path, std::string_view bytes,
                                Placement placement);

// The whole file; nullopt when it does not exist. io_error when it cannot be read;
// too_large_code when it holds more than max_bytes.
Result<std::optional<std::string>> read_small_file(const std::string& path, std::size_t max_bytes,
                                                   Errc too_large_code = Errc::io_error);

}  // namespace tessera::server
