// The remembered store epoch (epoch_file.hpp): DIR/store-epoch, a private file
// (private_file.hpp) renamed over the old one, since it changes.
#include "server/epoch_file.hpp"

#include <utility>

#include <fmt/format.h>

#include "server/private_file.hpp"
#include "tessera/store_epoch.hpp"

namespace tessera::server {
namespace {

constexpr std::size_t kMaxFileBytes = 256;

}  // namespace

std::string epoch_file_path(const std::string& data_dir) { return data_dir + "/store-epoch"; }

Result<std::optional<std::string>> read_local_epoch(const std::string& data_dir) {
  const std::string path = epoch_file_path(data_dir);
  auto text = read_small_file(path, kMaxFileBytes);
  if (!text || !*text) return text;
  std::string id = std::move(**text);
  if (!id.empty() && id.back() == '\n') id.pop_back();
  if (!valid_epoch_id(id)) return fail(Errc::io_error, fmt::format("{} does not hold a store epoch id", path));
  return std::optional<std::string>(std::move(id));
}

Result<void> write_local_epoch(const std::string& data_dir, const std::string& id) {
  if (!valid_epoch_id(id)) return fail(Errc::invalid_argument, "not a store epoch id");
  auto w = write_private_file(data_dir, epoch_file_path(data_dir), id + "\n", Placement::replace);
  if (!w) return std::unexpected(std::move(w.error()));
  return {};
}

}  // namespace tessera::server
