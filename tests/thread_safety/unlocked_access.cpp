// Negative check for the clang lane (scripts/clang_lane.sh, ctest -R thread_safety): touching a
// GUARDED_BY member without its mutex must not compile under -Werror=thread-safety. Built with
// -DTESSERA_LOCKED as the control (same file, lock taken: must compile).
#include "common/mutex.hpp"

namespace {

class Counter {
 public:
  void bump() {
#ifdef TESSERA_LOCKED
    tessera::MutexLock lock(mu_);
#endif
    ++n_;  // without the lock: "writing variable 'n_' requires holding mutex 'mu_'"
  }

 private:
  tessera::Mutex mu_;
  int n_ GUARDED_BY(mu_) = 0;
};

}  // namespace

int main() {
  Counter c;
  c.bump();
}
