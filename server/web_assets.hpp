// The files of web/ (page templates under templates/, static files under static/), embedded in
// the binary at build time (cmake/embed_web.cmake generates the table), so the server needs no
// install path. Thread safety: a constant table.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace tessera::server {

struct WebAsset {
  std::string_view path;     // relative to web/, e.g. "templates/login.mustache", "static/style.css"
  std::string_view content;
  std::string_view sha256;   // of content, lower-case hex
};

// Every embedded file, sorted by path.
std::span<const WebAsset> web_assets();

// The file at path, if embedded.
std::optional<WebAsset> web_asset(std::string_view path);

}  // namespace tessera::server
