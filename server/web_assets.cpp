// web_asset (server/web_assets.hpp); the table itself is generated (cmake/embed_web.cmake).
#include "server/web_assets.hpp"

namespace tessera::server {

std::optional<WebAsset> web_asset(std::string_view path) {
  for (const WebAsset& a : web_assets())
    if (a.path == path) return a;
  return std::nullopt;
}

}  // namespace tessera::server
