// Test helper: starts and stops real redis-server processes on loopback ports — one server
// (RedisServer) or a 3-master Redis Cluster (RedisCluster) — in a private temp dir. Servers
// die with the test process (PR_SET_PDEATHSIG) and are SIGKILLed by the destructors.
// Tests call redis_server_installed() and GTEST_SKIP only when the binary is missing.
// shared_single() / shared_cluster(): one server and one cluster for the whole test process.
// Thread safety: none; create and destroy from the main test thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/redis_conn.hpp"

namespace tessera::test {

inline bool redis_server_installed() {
  return std::system("command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1") == 0;
}

// True when nothing listens on 127.0.0.1:port (we can bind it ourselves).
inline bool loopback_port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// A port P with P and P + 10000 (the cluster bus) both free.
inline int pick_free_port() {
  static std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<int> d(20000, 29999);
  for (int i = 0; i < 500; ++i) {
    int p = d(rng);
    if (loopback_port_free(p) && loopback_port_free(p + 10000)) return p;
  }
  return 0;
}

// The options of the fault tests: 200 ms to connect and per command, so a dead or frozen
// server shows within a fraction of a second.
inline store::RedisOptions fault_options() {
  store::RedisOptions opt;
  opt.connect_timeout = std::chrono::milliseconds(200);
  opt.command_timeout = std::chrono::milliseconds(200);
  return opt;
}

// One command to 127.0.0.1:port through the library's own connection (short timeouts).
inline Result<store::redis::Reply> redis_call(int port, std::vector<std::string> argv) {
  auto c = store::redis::Connection::open({"127.0.0.1", port}, std::chrono::milliseconds(500),
                                          std::chrono::milliseconds(5000));
  if (!c) return std::unexpected(c.error());
  std::vector<std::string_view> v(argv.begin(), argv.end());
  return (*c)->command(v);
}
inline std::string redis_text(int port, std::vector<std::string> argv) {
  auto r = redis_call(port, std::move(argv));
  return r ? std::string(store::redis::text(**r)) : std::string();
}

class TempDir {
 public:
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "tessera-redis-XXXXXX").string();
    if (::mkdtemp(t.data())) path_ = t;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class RedisServer {
 public:
  // port 0: a free one. extra: more redis-server arguments. dir: working dir (nodes.conf, logs).
  RedisServer(int port, std::vector<std::string> extra, std::string dir)
      : port_(port ? port : pick_free_port()), extra_(std::move(extra)), dir_(std::move(dir)) {}
  ~RedisServer() { kill9(); }
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // Starts the process and waits (up to 5 s) until it answers PING.
  bool start() {
    if (pid_ > 0 || port_ == 0) return pid_ > 0;
    std::vector<std::string> args{"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                  "--save", "", "--appendonly", "no", "--daemonize", "no",
                                  "--dir", dir_, "--logfile", dir_ + "/redis-" + std::to_string(port_) + ".log"};
    args.insert(args.end(), extra_.begin(), extra_.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) return false;
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test process
      if (::getppid() != parent) ::_exit(127);
      int devnull = ::open("/dev/null", O_RDWR);
      if (devnull >= 0) {
        ::dup2(devnull, 0);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
      }
      ::execvp("redis-server", argv.data());
      ::_exit(127);
    }
    pid_ = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: port taken, bad args...
        pid_ = -1;
        return false;
      }
      if (redis_text(port_, {"PING"}) == "PONG") return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill9();
    return false;
  }

  // SIGKILL and reap: once this returns, nothing listens on the port.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGSTOP / SIGCONT: a server that accepts connections (the kernel does) but never answers.
  void freeze() {
    if (pid_ > 0) ::kill(pid_, SIGSTOP);
  }
  void thaw() {
    if (pid_ > 0) ::kill(pid_, SIGCONT);
  }

  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

 private:
  int port_;
  std::vector<std::string> extra_;
  std::string dir_;
  pid_t pid_ = -1;
};

// A single server in its own temp dir. nullptr when it could not start.
struct SingleRedis {
  TempDir dir;
  std::unique_ptr<RedisServer> server;

  static std::unique_ptr<SingleRedis> start() {
    auto s = std::make_unique<SingleRedis>();
    if (s->dir.path().empty()) return nullptr;
    for (int attempt = 0; attempt < 3; ++attempt) {  // a port may be grabbed between pick and bind
      s->server = std::make_unique<RedisServer>(0, std::vector<std::string>{}, s->dir.path());
      if (s->server->start()) return s;
    }
    return nullptr;
  }
};

// Three masters, no replicas, slots spread by redis-cli --cluster create.
class RedisCluster {
 public:
  static std::unique_ptr<RedisCluster> start(std::string& why) {
    auto c = std::unique_ptr<RedisCluster>(new RedisCluster());
    if (c->dir_.path().empty()) {
      why = "no temp dir";
      return nullptr;
    }
    std::string create = "redis-cli --cluster create";
    for (int i = 0; i < 3; ++i) {
      bool up = false;
      for (int attempt = 0; attempt < 3 && !up; ++attempt) {
        const int port = pick_free_port();
        auto s = std::make_unique<RedisServer>(
            port,
            std::vector<std::string>{"--cluster-enabled", "yes", "--cluster-config-file",
                                     "nodes-" + std::to_string(port) + ".conf", "--cluster-node-timeout", "5000"},
            c->dir_.path());
        if (s->start()) {
          up = true;
          create += " 127.0.0.1:" + std::to_string(port);
          c->servers_.push_back(std::move(s));
        }
      }
      if (!up) {
        why = "could not start cluster node " + std::to_string(i);
        return nullptr;
      }
    }
    create += " --cluster-replicas 0 --cluster-yes >" + c->dir_.path() + "/create.log 2>&1";
    if (std::system(create.c_str()) != 0) {
      why = "redis-cli --cluster create failed (see " + c->dir_.path() + "/create.log)";
      return nullptr;
    }
    // Wait until every node says ok and agrees that all 16384 slots are covered.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      bool ok = true;
      for (const auto& s : c->servers_) {
        auto info = redis_text(s->port(), {"CLUSTER", "INFO"});
        ok = ok && info.find("cluster_state:ok") != std::string::npos &&
             info.find("cluster_slots_assigned:16384") != std::string::npos &&
             info.find("cluster_known_nodes:3") != std::string::npos;
      }
      if (ok) return c;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    why = "cluster did not reach cluster_state:ok";
    return nullptr;
  }

  std::vector<std::pair<std::string, int>> seeds() const {
    std::vector<std::pair<std::string, int>> out;
    for (const auto& s : servers_) out.emplace_back("127.0.0.1", s->port());
    return out;
  }
  std::vector<int> ports() const {
    std::vector<int> out;
    for (const auto& s : servers_) out.push_back(s->port());
    return out;
  }

 private:
  RedisCluster() = default;
  TempDir dir_;  // declared first: destroyed after the servers are dead
  std::vector<std::unique_ptr<RedisServer>> servers_;
};

// Servers shared by every test of the process that wants one (the session and user store
// suites alike; tests keep their keys apart): started on first use, killed at exit.
// nullptr when redis-server is not installed or did not start; a cluster that failed to start
// fails the calling test.
inline SingleRedis* shared_single() {
  static std::unique_ptr<SingleRedis> s = redis_server_installed() ? SingleRedis::start() : nullptr;
  return s.get();
}
inline RedisCluster* shared_cluster() {
  static std::string why;
  static std::unique_ptr<RedisCluster> c = redis_server_installed() ? RedisCluster::start(why) : nullptr;
  if (!c && !why.empty()) ADD_FAILURE() << "cluster: " << why;
  return c.get();
}

}  // namespace tessera::test
