// Lanes (server/lanes.hpp).
#include "server/lanes.hpp"

#include <exception>
#include <functional>
#include <thread>

#include <boost/json/object.hpp>

namespace tessera::server {

Lanes::Lanes(unsigned n) {
  if (n == 0) n = 1;
  for (unsigned i = 0; i < n; ++i) {
    lanes_.push_back(std::make_unique<asio::io_context>(1));
    work_.push_back(asio::make_work_guard(*lanes_.back()));
  }
}

std::vector<asio::io_context*> Lanes::pointers() const {
  std::vector<asio::io_context*> out;
  for (const auto& l : lanes_) out.push_back(l.get());
  return out;
}

void Lanes::release() {
  for (auto& w : work_) w.reset();
}

unsigned Lanes::default_count(unsigned configured) noexcept {
  if (configured != 0) return configured;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores != 0 ? cores : 1;
}

void Lanes::run(Logger& log) {
  auto run_loop = [&log](asio::io_context& lane) {
    for (;;) {
      try {
        lane.run();
        return;
      } catch (const std::exception& e) {
        log.log(LogLevel::error, "internal error", boost::json::object{{"detail", e.what()}});
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(lanes_.size() - 1);
  for (std::size_t i = 1; i < lanes_.size(); ++i) threads.emplace_back(run_loop, std::ref(*lanes_[i]));
  run_loop(*lanes_.front());
  for (auto& t : threads) t.join();
}

}  // namespace tessera::server
