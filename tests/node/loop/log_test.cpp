#include "node/loop/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace clocksim::node {
namespace log_test {

// A pipe whose read end the test holds and reads only when it says so, shrunk to one page so
// that a few lines fill it.
struct StuckPipe {
  int read_fd = -1;
  std::FILE* write_end = nullptr;
  StuckPipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    read_fd = fds[0];
    ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
    write_end = ::fdopen(fds[1], "w");
  }
  ~StuckPipe() {
    if (write_end) std::fclose(write_end);
    if (read_fd >= 0) ::close(read_fd);
  }
  std::string drain() const {
    const int flags = ::fcntl(read_fd, F_GETFL);
    ::fcntl(read_fd, F_SETFL, flags | O_NONBLOCK);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(read_fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::fcntl(read_fd, F_SETFL, flags);
    return out;
  }
};

// "start" lines pass the rate limit, so every one of them is offered to the pipe.
void offer_lines(Logger& log, int count) {
  for (int k = 0; k < count; ++k) log.write("start", {{"k", k}, {"pad", std::string(150, 'x')}});
}

TEST(Logger, AReaderThatStoppedReadingCostsLinesNotTime) {
  StuckPipe pipe;
  ASSERT_NE(pipe.write_end, nullptr);
  Logger log(pipe.write_end);
  const auto begin = std::chrono::steady_clock::now();
  offer_lines(log, 2000);  // about 400 KB into a 4 KB pipe: a blocking write would never return
  const auto spent = std::chrono::steady_clock::now() - begin;
  EXPECT_LT(spent, std::chrono::seconds(5));
  EXPECT_GT(log.unwritten_total(), 1900u);

  // What did go in is whole lines; once the reader reads again, the next line says how many
  // were lost since the last one written.
  const std::string before = pipe.drain();
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before.back(), '\n');
  EXPECT_EQ(before.find("unwritten"), std::string::npos);
  const auto lost = log.unwritten_total();
  log.write("start", {{"k", "after"}});
  const std::string after = pipe.drain();
  EXPECT_NE(after.find("\"unwritten\":" + std::to_string(lost)), std::string::npos) << after;
  EXPECT_NE(after.find("\"k\":\"after\""), std::string::npos) << after;
  log.write("start", {{"k", "again"}});
  EXPECT_EQ(pipe.drain().find("unwritten"), std::string::npos);
  EXPECT_EQ(log.unwritten_total(), lost);
}

// A reader that went away: the line is counted as unwritten, and no write is attempted (which
// would raise SIGPIPE, ending a process that did not ignore it, as this test binary does not).
TEST(Logger, AReaderThatWentAwayCostsTheLineNotTheProcess) {
  StuckPipe pipe;
  ASSERT_NE(pipe.write_end, nullptr);
  ::close(pipe.read_fd);
  pipe.read_fd = -1;
  Logger log(pipe.write_end);
  offer_lines(log, 3);
  EXPECT_EQ(log.unwritten_total(), 3u);
}

// A stream without a descriptor (a memory stream) is written as before.
TEST(Logger, AMemoryStreamGetsEveryLine) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&text, &size);
  ASSERT_NE(out, nullptr);
  {
    Logger log(out);
    offer_lines(log, 3);
    EXPECT_EQ(log.unwritten_total(), 0u);
  }
  std::fclose(out);
  const std::string lines(text, size);
  std::free(text);
  EXPECT_NE(lines.find("\"k\":2"), std::string::npos) << lines;
}

}  // namespace log_test
}  // namespace clocksim::node
