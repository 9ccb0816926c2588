// The server's side of the store epoch: the remembered epoch in the data directory
// (server/epoch_file.hpp: mode 0600, atomic replace, strict content) and EpochGuard
// (server/epoch_guard.hpp): its states through the decision table, what it writes locally, and
// that it logs an outcome once, not on every check.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/epoch_file.hpp"
#include "server/epoch_guard.hpp"
#include "store/epoch.hpp"

namespace tessera::server {
namespace {

const std::string kA = "AAAAAAAAAAAAAAAAAAAAAA";
const std::string kB = "BBBBBBBBBBBBBBBBBBBBBB";

class EpochDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tessera-epochfile-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) out.push_back(e.path().filename().string());
    return out;
  }
  std::string dir_;
};

TEST_F(EpochDir, AbsentThenWrittenOwnerOnlyThenReplaced) {
  auto none = read_local_epoch(dir_);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  ASSERT_TRUE(write_local_epoch(dir_, kA));
  EXPECT_EQ(mode_of(epoch_file_path(dir_)), 0600u);
  EXPECT_EQ(read_local_epoch(dir_)->value_or(""), kA);
  ASSERT_TRUE(write_local_epoch(dir_, kB));
  EXPECT_EQ(read_local_epoch(dir_)->value_or(""), kB);
  EXPECT_EQ(mode_of(epoch_file_path(dir_)), 0600u);
  // No temporary file left behind.
  EXPECT_EQ(entries(), std::vector<std::string>{"store-epoch"});
  std::ifstream in(epoch_file_path(dir_));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), kB + "\n");
}

TEST_F(EpochDir, BadContentOrIdRefused) {
  auto bad_id = write_local_epoch(dir_, "not an id");
  ASSERT_FALSE(bad_id);
  EXPECT_EQ(bad_id.error().code, Errc::invalid_argument);
  for (const std::string& content : {std::string(), std::string("garbage\n"), kA + "\n" + kB + "\n",
                                    std::string(300, 'A')}) {
    std::ofstream(epoch_file_path(dir_), std::ios::trunc) << content;
    auto r = read_local_epoch(dir_);
    ASSERT_FALSE(r) << content;
    EXPECT_EQ(r.error().code, Errc::io_error);
  }
  auto missing_dir = write_local_epoch(dir_ + "/no/such/dir", kA);
  ASSERT_FALSE(missing_dir);
  EXPECT_EQ(missing_dir.error().code, Errc::io_error);
}

// A marker store the test can empty, break and inspect, behind the guard's own handle.
struct Fake {
  std::unique_ptr<EpochStore> store = store::make_memory_epoch_store();
  bool down = false;
};
struct FakeHandle final : EpochStore {
  std::shared_ptr<Fake> f;
  explicit FakeHandle(std::shared_ptr<Fake> p) : f(std::move(p)) {}
  Result<std::optional<EpochMarker>> read() override {
    if (f->down) return fail(Errc::store_unavailable, "down");
    return f->store->read();
  }
  Result<EpochMarker> create_if_absent(const EpochMarker& m) override {
    if (f->down) return fail(Errc::store_unavailable, "down");
    return f->store->create_if_absent(m);
  }
  Result<void> replace(const EpochMarker& m) override {
    if (f->down) return fail(Errc::store_unavailable, "down");
    return f->store->replace(m);
  }
};

class GuardTest : public EpochDir {
 protected:
  void SetUp() override {
    EpochDir::SetUp();
    log_path_ = dir_ + "/../" + std::filesystem::path(dir_).filename().string() + ".log";
    log_fd_ = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(log_fd_, 0);
    log_ = std::make_unique<Logger>(LogLevel::info, log_fd_);
  }
  void TearDown() override {
    ::close(log_fd_);
    ::unlink(log_path_.c_str());
    EpochDir::TearDown();
  }
  std::vector<std::string> log_lines() const {
    std::ifstream in(log_path_);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  EpochGuard guard() { return EpochGuard(std::make_unique<FakeHandle>(fake_), dir_, *log_); }

  std::shared_ptr<Fake> fake_ = std::make_shared<Fake>();
  std::string log_path_;
  int log_fd_ = -1;
  std::unique_ptr<Logger> log_;
};

using State = EpochGuard::State;

TEST_F(GuardTest, FirstStartCreatesRemembersAndLogsOnce) {
  auto g = guard();
  EXPECT_EQ(g.state(), State::unknown);
  EXPECT_EQ(g.check(), State::ready);
  auto m = fake_->store->read();
  ASSERT_TRUE(m && *m);
  EXPECT_EQ(read_local_epoch(dir_)->value_or(""), (*m)->id);
  EXPECT_EQ(g.check(), State::ready);
  EXPECT_EQ(g.check(), State::ready);
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"msg\":\"store epoch\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"verdict\":\"create\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find((*m)->id), std::string::npos) << lines[0];
}

TEST_F(GuardTest, StoreLostWhileRunningIsNotReadyUntilConfirmed) {
  auto g = guard();
  ASSERT_EQ(g.check(), State::ready);
  const std::string m = read_local_epoch(dir_)->value_or("");
  // The store restarts empty.
  fake_->store = store::make_memory_epoch_store();
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_FALSE(*fake_->store->read()) << "a lost store must not get a fresh marker by itself";
  EXPECT_EQ(read_local_epoch(dir_)->value_or(""), m) << "the remembered epoch is kept";
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[1].find("\"level\":\"error\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"msg\":\"store not ready\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\"verdict\":\"store_lost\""), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("lost its data"), std::string::npos) << lines[1];

  // Unreachable: the state stays, one warning only.
  fake_->down = true;
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_EQ(g.check(), State::not_ready);
  fake_->down = false;
  lines = log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("store epoch check failed"), std::string::npos) << lines[2];

  // The operator confirms from another instance's data directory that remembered m too.
  ASSERT_TRUE(fake_->store->replace(confirm_epoch_marker(std::nullopt, m, new_epoch_id(), 1767225600)));
  EXPECT_EQ(g.check(), State::ready);
  const std::string adopted = read_local_epoch(dir_)->value_or("");
  EXPECT_NE(adopted, m);
  EXPECT_EQ(adopted, (*fake_->store->read())->id);
  lines = log_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[3].find("\"verdict\":\"adopt\""), std::string::npos) << lines[3];
}

TEST_F(GuardTest, OnReadyHearsTheMarkerOfEveryReadyCheckOnly) {
  // What the server hands to AuthorizationServer::set_not_before: the created_at of the marker
  // the instance is ready on, also after an operator's confirmation replaced it.
  auto g = guard();
  ASSERT_EQ(g.check(), State::ready);
  const std::int64_t first = (*fake_->store->read())->created_at;
  std::vector<std::int64_t> heard;
  g.on_ready([&heard](const EpochMarker& m) { heard.push_back(m.created_at); });
  EXPECT_EQ(heard, std::vector<std::int64_t>{first}) << "registered after a ready check: told at once";
  const std::string m = read_local_epoch(dir_)->value_or("");
  fake_->store = store::make_memory_epoch_store();  // lost
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_EQ(heard.size(), 1u);
  ASSERT_TRUE(fake_->store->replace(confirm_epoch_marker(std::nullopt, m, new_epoch_id(), 1767225600)));
  EXPECT_EQ(g.check(), State::ready);
  EXPECT_EQ(heard, (std::vector<std::int64_t>{first, 1767225600}));
}

TEST_F(GuardTest, ReplacedStoreIsNotReady) {
  ASSERT_TRUE(write_local_epoch(dir_, kA));
  ASSERT_TRUE(fake_->store->replace(EpochMarker{kB, {}}));
  auto g = guard();
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_EQ(read_local_epoch(dir_)->value_or(""), kA);
  EXPECT_EQ((*fake_->store->read())->id, kB);
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("store_replaced"), std::string::npos) << lines[0];
}

TEST_F(GuardTest, UnreachableAtStartStaysUnknownThenBecomesReady) {
  fake_->down = true;
  auto g = guard();
  EXPECT_EQ(g.check(), State::unknown);
  fake_->down = false;
  EXPECT_EQ(g.check(), State::ready);
}

TEST_F(GuardTest, UnusableLocalFileIsNotReady) {
  std::ofstream(epoch_file_path(dir_)) << "garbage\n";
  auto g = guard();
  EXPECT_EQ(g.check(), State::not_ready);
  EXPECT_FALSE(*fake_->store->read());
}

}  // namespace
}  // namespace tessera::server
