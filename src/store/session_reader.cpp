// SessionStore::reader()'s default (include/tessera/session_store.hpp): a reader that answers
// inline with the store's own get() and touch(), for stores whose calls take microseconds
// (memory, SQLite). Redis overrides it (redis_session_reader.cpp).
// Thread safety: the reader holds only a reference to a thread-safe store.
#include <exception>

#include "tessera/session_store.hpp"

namespace tessera {
namespace {

class InlineReader final : public SessionReader {
 public:
  explicit InlineReader(SessionStore& store) : store_(store) {}

  void get(std::string_view id_hash, Completion<std::optional<SessionRecord>> done) override {
    done(guarded<std::optional<SessionRecord>>([&] { return store_.get(id_hash); }));
  }
  void touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at,
             Completion<bool> done) override {
    done(guarded<bool>([&] { return store_.touch(id_hash, last_seen_at, idle_expires_at); }));
  }

 private:
  // A store that throws (it should not) fails the call rather than the loop.
  template <class T, class F>
  static Result<T> guarded(F&& f) {
    try {
      return f();
    } catch (const std::exception& e) {
      return fail(Errc::internal, e.what());
    }
  }
  SessionStore& store_;
};

}  // namespace

std::unique_ptr<SessionReader> SessionStore::reader(EventLoop&) { return std::make_unique<InlineReader>(*this); }

}  // namespace tessera
