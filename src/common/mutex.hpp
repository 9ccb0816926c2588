// Annotated mutexes for clang's thread-safety analysis (common/thread_annotations.hpp):
// thin wrappers over std::mutex / std::shared_mutex, as LevelDB's port::Mutex and Abseil's Mutex.
//
//   Mutex mu_;
//   int n_ GUARDED_BY(mu_) = 0;
//   void bump() { MutexLock lock(mu_); ++n_; }
#pragma once

#include <mutex>
#include <shared_mutex>

#include "common/thread_annotations.hpp"

namespace tessera {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  bool try_lock() TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  std::mutex mu_;
};

// A reader-writer mutex: SharedLock for readers, MutexLock for the writer.
class CAPABILITY("mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;
  void lock() ACQUIRE() { mu_.lock(); }
  void unlock() RELEASE() { mu_.unlock(); }
  void lock_shared() ACQUIRE_SHARED() { mu_.lock_shared(); }
  void unlock_shared() RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds a Mutex (or a SharedMutex exclusively) for its scope; unlock() / lock() drop and retake
// it inside the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(&mu) { mu.lock(); }
  explicit MutexLock(SharedMutex& mu) ACQUIRE(mu) : smu_(&mu) { mu.lock(); }
  ~MutexLock() RELEASE() {
    if (held_) release_now();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;
  void unlock() RELEASE() {
    release_now();
    held_ = false;
  }
  void lock() ACQUIRE() {
    if (mu_) mu_->lock();
    else smu_->lock();
    held_ = true;
  }

 private:
  void release_now() NO_THREAD_SAFETY_ANALYSIS {
    if (mu_) mu_->unlock();
    else smu_->unlock();
  }
  Mutex* mu_ = nullptr;
  SharedMutex* smu_ = nullptr;
  bool held_ = true;
};

// Holds two Mutexes for its scope, deadlock-free (std::scoped_lock's algorithm).
class SCOPED_CAPABILITY MutexLock2 {
 public:
  MutexLock2(Mutex& a, Mutex& b) ACQUIRE(a, b) NO_THREAD_SAFETY_ANALYSIS : a_(a), b_(b) { std::lock(a, b); }
  ~MutexLock2() RELEASE() {
    a_.unlock();
    b_.unlock();
  }
  MutexLock2(const MutexLock2&) = delete;
  MutexLock2& operator=(const MutexLock2&) = delete;

 private:
  Mutex& a_;
  Mutex& b_;
};

// Holds a SharedMutex shared (as a reader) for its scope.
class SCOPED_CAPABILITY SharedLock {
 public:
  explicit SharedLock(SharedMutex& mu) ACQUIRE_SHARED(mu) : mu_(mu) { mu.lock_shared(); }
  ~SharedLock() RELEASE() { mu_.unlock_shared(); }
  SharedLock(const SharedLock&) = delete;
  SharedLock& operator=(const SharedLock&) = delete;

 private:
  SharedMutex& mu_;
};

}  // namespace tessera
