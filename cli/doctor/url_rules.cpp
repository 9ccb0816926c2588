// The rules of `tessera doctor --url` over a server's answers (url_rules.hpp).
#include "doctor/url_rules.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace tessera::cli::doctor {
namespace {

namespace json = boost::json;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool https_or_loopback(std::string_view url) { return url.starts_with("https://") || is_loopback_url(url); }

std::optional<json::object> json_object(const Seen& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s.body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

// A reachable 200 answer, else an error finding for it.
bool answered(const Seen& s, std::string_view rule, std::string_view what, Findings& out) {
  if (!s.error.empty()) {
    add(out, Severity::error, std::string(rule), fmt::format("{} ({}) could not be fetched: {}", what, s.url, s.error),
        "check the URL, the server and (for https) its certificate (--ca-file for a private CA)");
    return false;
  }
  if (s.status != 200) {
    add(out, Severity::error, std::string(rule), fmt::format("{} ({}) answered {}", what, s.url, s.status));
    return false;
  }
  return true;
}

void check_metadata(const UrlFacts& f, Findings& out) {
  if (!answered(f.metadata, "metadata", "the OpenID metadata", out)) return;
  const auto o = json_object(f.metadata);
  if (!o) {
    add(out, Severity::error, "metadata", "the metadata is not a JSON object");
    return;
  }
  const auto* iss = o->if_contains("issuer");
  if (!iss || !iss->is_string() || iss->as_string() != f.issuer)
    add(out, Severity::error, "metadata",
        fmt::format("the metadata's issuer is {}, not {} exactly: clients and verifiers compare it byte for byte",
                    iss ? json::serialize(*iss) : "missing", f.issuer),
        "set --issuer (or --public-origin) to the URL clients use");
  for (const char* ep : {"authorization_endpoint", "token_endpoint", "jwks_uri", "introspection_endpoint"}) {
    const auto* v = o->if_contains(ep);
    if (v && v->is_string() && !https_or_loopback(v->as_string()))
      add(out, Severity::error, "metadata", fmt::format("{} is {}: plain http off loopback", ep, json::serialize(*v)),
          "serve the issuer over https");
  }
}

std::optional<std::int64_t> max_age_of(const std::vector<std::string>& cache_control) {
  for (const auto& value : cache_control) {
    const std::string v = lower(value);
    const auto p = v.find("max-age=");
    if (p == std::string::npos) continue;
    std::int64_t n = 0;
    const char* b = v.data() + p + 8;
    const auto [end, ec] = std::from_chars(b, v.data() + v.size(), n);
    if (ec == std::errc{} && end != b) return n;
  }
  return std::nullopt;
}

void check_jwks(const UrlFacts& f, Findings& out) {
  if (!f.jwks) return;
  if (!answered(*f.jwks, "jwks", "the JWKS", out)) return;
  const auto max_age = max_age_of(f.jwks->header("Cache-Control"));
  if (!max_age)
    add(out, Severity::warning, "jwks_cache",
        "the JWKS has no Cache-Control max-age: verifiers guess how long to cache it",
        "serve it with Cache-Control: public, max-age=N (tessera serve does; check the proxy in front)");
  else if (*max_age > 86400)
    add(out, Severity::warning, "jwks_cache", fmt::format("the JWKS max-age is {} s (over a day)", *max_age),
        "--jwks-max-age 300");
  const auto o = json_object(*f.jwks);
  const auto* keys = o ? o->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) {
    add(out, Severity::error, "jwks", "the JWKS has no keys array");
    return;
  }
  for (const auto& k : keys->as_array()) {
    if (!k.is_object()) continue;
    const auto& key = k.as_object();
    const std::string kid = key.contains("kid") ? json::serialize(key.at("kid")) : "(no kid)";
    for (const char* priv : {"d", "p", "q", "dp", "dq", "qi", "k"})
      if (key.contains(priv)) {
        add(out, Severity::error, "jwks",
            fmt::format("key {} publishes private member \"{}\": anyone can mint tokens", kid, priv),
            "rotate every key now and publish public keys only");
        break;
      }
    const auto* kty = key.if_contains("kty");
    if (kty && kty->is_string() && kty->as_string() == "oct")
      add(out, Severity::error, "shared_symmetric_key", fmt::format("key {} is symmetric (oct)", kid),
          "verifiers must get public keys only");
    const auto* n = key.if_contains("n");
    if (n && n->is_string() && n->as_string().size() * 6 / 8 * 8 < 2048)
      add(out, Severity::error, "key_size",
          fmt::format("key {} is RSA of {} bits", kid, n->as_string().size() * 6 / 8 * 8),
          "rotate to a 2048-bit or larger RSA key, or ES256/EdDSA");
  }
}

void check_headers(const UrlFacts& f, Findings& out) {
  const Seen& p = f.login_page;
  if (!p.error.empty() || p.status == 0) {
    add(out, Severity::warning, "headers", fmt::format("GET {} failed: {}", p.url, p.error));
    return;
  }
  const auto missing = [&](std::string_view name) { return p.header(name).empty(); };
  if (missing("X-Content-Type-Options"))
    add(out, Severity::warning, "headers", "no X-Content-Type-Options on the login page", "X-Content-Type-Options: nosniff");
  if (missing("Content-Security-Policy"))
    add(out, Severity::warning, "headers", "no Content-Security-Policy on the login page",
        "check the proxy in front: tessera serve sends one");
  bool framing = !missing("X-Frame-Options");
  for (const auto& csp : p.header("Content-Security-Policy")) framing = framing || csp.find("frame-ancestors") != std::string::npos;
  if (!framing)
    add(out, Severity::warning, "headers", "the login page may be framed (clickjacking)",
        "X-Frame-Options: DENY or CSP frame-ancestors 'none'");
  if (f.issuer.starts_with("https://") && missing("Strict-Transport-Security"))
    add(out, Severity::warning, "headers", "no Strict-Transport-Security over https",
        "add Strict-Transport-Security: max-age=31536000 at the TLS proxy");
}

void check_cookie(const UrlFacts& f, Findings& out) {
  if (!f.login) {
    add(out, Severity::info, "cookie", "cookie flags not checked: give --user (its password on stdin) to sign in once");
    return;
  }
  const Seen& l = *f.login;
  if (!l.error.empty() || l.status != 200) {
    add(out, Severity::warning, "cookie",
        fmt::format("the test login failed ({}): cookie flags not checked", l.error.empty() ? std::to_string(l.status) : l.error));
    return;
  }
  const auto cookies = l.header("Set-Cookie");
  if (cookies.empty()) {
    add(out, Severity::error, "cookie", "the login answered without a Set-Cookie");
    return;
  }
  for (const auto& c : cookies) {
    const std::string name = c.substr(0, c.find('='));
    const std::string attrs = lower(c.substr(c.find(';') == std::string::npos ? c.size() : c.find(';')));
    const auto has = [&](std::string_view a) { return attrs.find(a) != std::string::npos; };
    if (!has("; secure"))
      add(out, Severity::error, "cookie", fmt::format("cookie {} lacks Secure", name), "serve over https; never strip Secure");
    if (!has("; httponly"))
      add(out, Severity::error, "cookie", fmt::format("cookie {} lacks HttpOnly: JavaScript (and XSS) can read it", name));
    if (!has("; samesite=lax") && !has("; samesite=strict"))
      add(out, Severity::warning, "cookie", fmt::format("cookie {} has no SameSite=Lax/Strict", name),
          "SameSite=Lax (the default of tessera serve)");
    if (!name.starts_with("__Host-"))
      add(out, Severity::warning, "cookie", fmt::format("cookie {} has no __Host- prefix", name),
          "__Host- pins the cookie to this host, Path=/ and Secure");
  }
}

}  // namespace

std::vector<std::string> Seen::header(std::string_view name) const {
  std::vector<std::string> out;
  const std::string want = lower(name);
  for (const auto& [k, v] : headers)
    if (lower(k) == want) out.push_back(v);
  return out;
}

Findings check_url(const UrlFacts& f) {
  Findings out;
  if (f.issuer.starts_with("http://") && !is_loopback_url(f.issuer))
    add(out, Severity::error, "url_tls", fmt::format("{} is plain http off loopback", f.issuer),
        "serve the issuer over https");
  else if (f.issuer.starts_with("https://") && f.metadata.error.empty())
    add(out, Severity::info, "url_tls", "TLS: the certificate was verified (TLS 1.2+, host name checked)");
  check_metadata(f, out);
  check_jwks(f, out);
  check_headers(f, out);
  check_cookie(f, out);
  return out;
}

}  // namespace tessera::cli::doctor
