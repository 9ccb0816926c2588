// BffSessions (bff_sessions.hpp): BFF session records, their sealed tokens and the
// single-flight refresh with a lease in the record.
#include "server/bff/bff_sessions.hpp"

#include <thread>
#include <utility>

#include <boost/json.hpp>

#include "tessera/bff_proxy_rules.hpp"
#include "tessera/json.hpp"

namespace tessera::server::bff {
namespace {

namespace json = boost::json;
using tessera::bff::BffTokens;

constexpr std::string_view kTokens = "bff_tokens";
constexpr std::string_view kUser = "bff_user";
constexpr std::string_view kLease = "bff_lease";
// How often a process waiting on another's lease reads the record again.
constexpr std::chrono::milliseconds kLeasePoll{50};
// Above this many idle entries the single-flight map drops the ones nobody holds.
constexpr std::size_t kFlightsPrune = 1024;

std::string attributes_of(const json::object& o) { return json::serialize(o); }

}  // namespace

BffSessions::BffSessions(SessionManager& sessions, SessionStore& store, tessera::bff::TokenVault vault,
                         std::int64_t lease_seconds, const Clock& clock)
    : sessions_(sessions), store_(store), vault_(std::move(vault)), lease_seconds_(lease_seconds), clock_(clock) {}

Result<NewSession> BffSessions::create(const json::object& user, const BffTokens& tokens, const ClientInfo& client) {
  const auto* sub = user.if_contains("sub");
  if (sub == nullptr || !sub->is_string() || sub->as_string().empty())
    return fail(Errc::missing_claim, "the BFF user has no sub");
  // The record's attributes hold the sealed tokens, which are bound to the id hash: create the
  // session first, then store them (a compare-and-set from the initial "{}").
  auto made = sessions_.create(std::string(kBffUserPrefix) + std::string(sub->as_string()), "{}", client);
  if (!made) return std::unexpected(made.error());
  auto sealed = vault_.seal(tokens, made->session.record.id_hash);
  if (!sealed) return std::unexpected(sealed.error());
  json::object attrs{{kTokens, *sealed}, {kUser, user}};
  const std::string text = attributes_of(attrs);
  auto set = store_.update_attributes(made->session.record.id_hash, "{}", text);
  if (!set) return std::unexpected(set.error());
  if (!*set) return fail(Errc::session_revoked, "the new BFF session ended before its tokens were stored");
  made->session.record.attributes_json = text;
  return made;
}

Result<BffSession> BffSessions::load(std::string_view id) {
  auto s = sessions_.validate(id);
  if (!s) return std::unexpected(s.error());
  auto o = codec::parse_json_object(s->record.attributes_json);
  const json::value* sealed = o ? o->if_contains(kTokens) : nullptr;
  const json::value* user = o ? o->if_contains(kUser) : nullptr;
  if (sealed == nullptr || !sealed->is_string() || user == nullptr || !user->is_object())
    return fail(Errc::session_not_found, "not a BFF session");
  auto tokens = vault_.open(sealed->as_string(), s->record.id_hash);
  if (!tokens) return fail(Errc::session_not_found, "the BFF session's tokens do not open");
  return BffSession{std::move(*s), std::move(*tokens), user->as_object()};
}

Result<BffSessions::Read> BffSessions::read(std::string_view id_hash) const {
  auto rec = store_.get(id_hash);
  if (!rec) return std::unexpected(rec.error());
  if (!*rec || (*rec)->revoked) return fail(Errc::session_revoked, "the BFF session ended");
  auto o = codec::parse_json_object((*rec)->attributes_json);
  const json::value* sealed = o ? o->if_contains(kTokens) : nullptr;
  if (sealed == nullptr || !sealed->is_string()) return fail(Errc::session_not_found, "not a BFF session");
  auto tokens = vault_.open(sealed->as_string(), id_hash);
  if (!tokens) return fail(Errc::session_not_found, "the BFF session's tokens do not open");
  return Read{(*rec)->attributes_json, std::move(*o), std::move(*tokens)};
}

std::shared_ptr<Mutex> BffSessions::flight(const std::string& id_hash) {
  MutexLock lock(mu_);
  if (flights_.size() > kFlightsPrune) std::erase_if(flights_, [](const auto& kv) { return kv.second.expired(); });
  auto& slot = flights_[id_hash];
  auto m = slot.lock();
  if (!m) {
    m = std::make_shared<Mutex>();
    slot = m;
  }
  return m;
}

Result<BffTokens> BffSessions::fresh_tokens(const BffSession& s, const Refresh& refresh) {
  if (!tessera::bff::needs_refresh(s.tokens.access_expires_at, clock_.now())) return s.tokens;
  const std::string& id_hash = s.session.record.id_hash;
  auto m = flight(id_hash);
  MutexLock one_at_a_time(*m);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(lease_seconds_ + 1);
  for (;;) {
    auto cur = read(id_hash);
    if (!cur) return std::unexpected(cur.error());
    const std::int64_t now = clock_.now();
    if (!tessera::bff::needs_refresh(cur->tokens.access_expires_at, now)) return cur->tokens;  // refreshed meanwhile
    const json::value* lease = cur->parsed.if_contains(kLease);
    const json::value* until = lease && lease->is_object() ? lease->as_object().if_contains("until") : nullptr;
    if (until != nullptr && until->is_int64() && until->as_int64() > now) {
      // Another process is refreshing: wait for what it stores.
      if (std::chrono::steady_clock::now() >= give_up)
        return fail(Errc::io_error, "lease: another process's refresh did not finish in time");
      std::this_thread::sleep_for(kLeasePoll);
      continue;
    }
    json::object leased = cur->parsed;
    leased[kLease] = json::object{{"until", now + lease_seconds_}};
    const std::string leased_text = attributes_of(leased);
    auto took = store_.update_attributes(id_hash, cur->attributes, leased_text);
    if (!took) return std::unexpected(took.error());
    if (!*took) {  // someone wrote first: read again
      if (std::chrono::steady_clock::now() >= give_up)
        return fail(Errc::io_error, "lease: the session record kept changing during the refresh");
      continue;
    }

    auto next = refresh(cur->tokens);
    if (!next) {
      if (next.error().code == Errc::invalid_grant) {
        (void)store_.revoke(id_hash);  // the grant is gone: so is the session
        return std::unexpected(next.error());
      }
      // Give the lease back so the next request may try again at once.
      (void)store_.update_attributes(id_hash, leased_text, cur->attributes);
      return std::unexpected(next.error());
    }
    auto sealed = vault_.seal(*next, id_hash);
    if (!sealed) return std::unexpected(sealed.error());
    json::object done = cur->parsed;
    done.erase(kLease);
    done[kTokens] = *sealed;
    auto stored = store_.update_attributes(id_hash, leased_text, attributes_of(done));
    if (!stored) return std::unexpected(stored.error());
    if (!*stored) return fail(Errc::session_revoked, "the BFF session ended or lost its lease during the refresh");
    return std::move(*next);
  }
}

Result<bool> BffSessions::end(std::string_view id_hash) { return store_.revoke(id_hash); }

}  // namespace tessera::server::bff
