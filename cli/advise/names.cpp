// The runbook's names (runbook.hpp): as the flags spell them, parsed back, and a command as a
// shell line.
#include "advise/runbook.hpp"

namespace tessera::cli::advise {

std::string_view name_of(ClientKind k) {
  switch (k) {
    case ClientKind::browser_app: return "browser-app";
    case ClientKind::spa: return "spa";
    case ClientKind::native: return "native";
    case ClientKind::service: return "service";
    case ClientKind::partner: return "partner";
  }
  return "";
}

std::string_view name_of(Verifiers v) {
  switch (v) {
    case Verifiers::one: return "one";
    case Verifiers::few: return "few";
    case Verifiers::many: return "many";
  }
  return "";
}

std::string_view name_of(Minter m) {
  switch (m) {
    case Minter::tessera: return "tessera";
    case Minter::self: return "self";
    case Minter::external: return "external";
  }
  return "";
}

std::string_view name_of(Model m) {
  switch (m) {
    case Model::session_cookie: return "session_cookie";
    case Model::bff_cookie: return "bff_cookie";
    case Model::access_refresh: return "access_refresh";
    case Model::opaque_introspection: return "opaque_introspection";
    case Model::paseto_local: return "paseto_local";
  }
  return "";
}

std::string_view title_of(Model m) {
  switch (m) {
    case Model::session_cookie: return "Server-side session cookie";
    case Model::bff_cookie: return "BFF (backend for frontend) + session cookie";
    case Model::access_refresh: return "Short-lived signed access token + rotating refresh token";
    case Model::opaque_introspection: return "Opaque access token + introspection";
    case Model::paseto_local: return "PASETO v4.local, for one tightly controlled service";
  }
  return "";
}

std::optional<ClientKind> parse_client(std::string_view s) {
  for (auto k : {ClientKind::browser_app, ClientKind::spa, ClientKind::native, ClientKind::service, ClientKind::partner})
    if (s == name_of(k)) return k;
  if (s == "mobile") return ClientKind::native;
  if (s == "third-party") return ClientKind::partner;
  return std::nullopt;
}

std::optional<Verifiers> parse_verifiers(std::string_view s) {
  for (auto v : {Verifiers::one, Verifiers::few, Verifiers::many})
    if (s == name_of(v)) return v;
  return std::nullopt;
}

std::optional<Minter> parse_minter(std::string_view s) {
  for (auto m : {Minter::tessera, Minter::self, Minter::external})
    if (s == name_of(m)) return m;
  return std::nullopt;
}

std::optional<bool> parse_yes_no(std::string_view s) {
  if (s == "yes" || s == "y") return true;
  if (s == "no" || s == "n") return false;
  return std::nullopt;
}

namespace {
bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  for (char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("-_./:=,@+%").find(c) != std::string_view::npos;
    if (!plain) return true;
  }
  return false;
}
}  // namespace

std::string shell_line(const Command& c) {
  std::string out = "tessera";
  for (const auto& arg : c.argv) {
    out += ' ';
    if (!needs_quotes(arg)) {
      out += arg;
      continue;
    }
    // A "$VAR" placeholder stays expandable; anything else is single-quoted.
    if (arg.starts_with('$') && arg.find_first_of(" '\"") == std::string::npos) {
      out += '"' + arg + '"';
      continue;
    }
    out += '\'';
    for (char ch : arg) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    out += '\'';
  }
  return out;
}

}  // namespace tessera::cli::advise
