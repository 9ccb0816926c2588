// The store epoch this instance has seen (tessera/store_epoch.hpp), remembered in the data
// directory as DIR/store-epoch: one id and a newline, mode 0600, replaced atomically (written
// to a temporary file, fsynced, renamed over the old one, directory fsynced).
#pragma once

#include <optional>
#include <string>

#include "tessera/error.hpp"

namespace tessera::server {

// DIR/store-epoch.
std::string epoch_file_path(const std::string& data_dir);

// The remembered epoch, or nullopt when the file does not exist. io_error when it cannot be
// read or does not hold exactly one valid epoch id (an operator can delete it to forget).
Result<std::optional<std::string>> read_local_epoch(const std::string& data_dir);

// Remembers id (replacing what was there). io_error on failure; invalid_argument for a bad id.
Result<void> write_local_epoch(const std::string& data_dir, const std::string& id);

}  // namespace tessera::server
