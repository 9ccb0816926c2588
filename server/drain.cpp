// drain (server/drain.hpp).
#include "server/drain.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>

namespace tessera::server {

asio::awaitable<void> drain(std::span<HttpServer* const> servers, Logger& log, std::chrono::seconds grace) {
  for (HttpServer* s : servers) s->shutdown();
  const auto open = [servers] {
    std::size_t n = 0;
    for (HttpServer* s : servers) n += s->connections();
    return n;
  };
  asio::steady_timer wait(co_await asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (open() > 0 && std::chrono::steady_clock::now() < deadline) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (open() > 0) {
    log.log(LogLevel::warn, "closing connections after the grace period", boost::json::object{{"connections", open()}});
    for (HttpServer* s : servers) s->close_all();
  }
}

}  // namespace tessera::server
