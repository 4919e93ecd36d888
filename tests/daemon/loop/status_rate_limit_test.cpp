// The UDP status socket's rate limit, judged on a fake clock (no sleeping): each source address
// has its own budget, so a flood from one address (forged or not) does not starve another; a cap
// over all bounds the work whatever the number of sources; the table of sources never grows past
// its size.
#include "daemon/loop/status_rate_limit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clocksim::daemon {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 5 * kSecond;  // monotonic time of some running host

SocketAddress address(const std::string& text) {
  auto ep = parse_endpoint(text);
  EXPECT_TRUE(std::holds_alternative<Endpoint>(ep)) << text;
  return std::get<Endpoint>(ep).addr;
}

using V = StatusRateLimit::Verdict;

int answered(StatusRateLimit& limit, const SocketAddress& from, int requests, std::int64_t at_ns) {
  int n = 0;
  for (int i = 0; i < requests; ++i) n += limit.judge(from, at_ns) == V::kAnswer ? 1 : 0;
  return n;
}

TEST(StatusRateLimit, AFloodFromOneAddressDoesNotStarveAnother) {
  StatusRateLimit limit(10, 50);
  const SocketAddress flooder = address("127.0.0.9:4000"), operator_ = address("127.0.0.1:5000");
  EXPECT_EQ(answered(limit, flooder, 1000, kStart), 10);  // its burst, then nothing
  EXPECT_EQ(limit.judge(flooder, kStart), V::kSourceOverRate);
  // The operator is answered in full: the flood's excess took nothing from the cap over all.
  EXPECT_EQ(answered(limit, operator_, 10, kStart), 10);
  EXPECT_EQ(limit.judge(operator_, kStart), V::kSourceOverRate);
  // 100 ms later each has one more answer, whatever the flood sent meanwhile.
  EXPECT_EQ(answered(limit, flooder, 1000, kStart + kSecond / 10), 1);
  EXPECT_EQ(answered(limit, operator_, 1, kStart + kSecond / 10), 1);
}

TEST(StatusRateLimit, TheSourceIsTheAddressWhateverThePortOrMapping) {
  StatusRateLimit limit(10, 50);
  int n = 0;
  for (int port = 1000; port < 1100; ++port) n += limit.judge(address("127.0.0.9:" + std::to_string(port)), kStart) == V::kAnswer;
  EXPECT_EQ(n, 10);
  // An IPv4 client as a dual-stack socket sees it is the same source.
  EXPECT_EQ(limit.judge(address("[::ffff:127.0.0.9]:1"), kStart), V::kSourceOverRate);
  EXPECT_EQ(limit.sources(), 1u);
}

TEST(StatusRateLimit, ABudgetRefillsAtItsRateUpToItsBurst) {
  StatusRateLimit limit(10, 50);
  const SocketAddress a = address("127.0.0.1:1");
  EXPECT_EQ(answered(limit, a, 10, kStart), 10);
  EXPECT_EQ(answered(limit, a, 10, kStart + kSecond / 10 - 1), 0);  // 1 ns short of one more
  EXPECT_EQ(answered(limit, a, 10, kStart + kSecond / 10), 1);
  EXPECT_EQ(answered(limit, a, 10, kStart + kSecond / 2), 4);        // 0.4 s more: 4
  EXPECT_EQ(answered(limit, a, 100, kStart + 60 * kSecond), 10);     // an idle minute: the burst, no more
}

TEST(StatusRateLimit, ACapOverAllHoldsWhateverTheNumberOfSources) {
  StatusRateLimit limit(10, 50);
  int n = 0, over_all = 0;
  for (int i = 0; i < 1000; ++i) {
    const V v = limit.judge(address("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":7"), kStart);
    n += v == V::kAnswer;
    over_all += v == V::kOverallOverRate;
  }
  EXPECT_EQ(n, 50);
  EXPECT_EQ(over_all, 950);
  // One second later the cap has refilled: 50 more, from anyone.
  EXPECT_EQ(answered(limit, address("127.0.0.1:1"), 10, kStart + kSecond), 10);
  // A request the cap refused was not charged to its source.
  StatusRateLimit fresh(10, 1);
  const SocketAddress a = address("127.0.0.1:1"), b = address("127.0.0.2:1");
  EXPECT_EQ(fresh.judge(a, kStart), V::kAnswer);
  EXPECT_EQ(answered(fresh, b, 20, kStart), 0);
  EXPECT_EQ(answered(fresh, b, 1, kStart + kSecond), 1);
}

TEST(StatusRateLimit, ManySourcesReuseTheOldestSlotAndMemoryStaysBounded) {
  StatusRateLimit limit(10, 1'000'000);
  const SocketAddress operator_ = address("192.0.2.1:1");
  EXPECT_EQ(answered(limit, operator_, 10, kStart), 10);
  EXPECT_EQ(limit.judge(operator_, kStart), V::kSourceOverRate);
  // A thousand other sources, one request each, later: the table stays at its size.
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t t = kStart + 1 + i;
    EXPECT_EQ(limit.judge(address("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1) + ":7"), t), V::kAnswer);
    EXPECT_LE(limit.sources(), StatusRateLimit::kSources);
  }
  EXPECT_EQ(limit.sources(), StatusRateLimit::kSources);
  // The operator, seen longest ago, lost its slot: it starts again with a full budget.
  EXPECT_EQ(answered(limit, operator_, 20, kStart + 2000), 10);
  // The most recent sources kept theirs: their one request was charged.
  const SocketAddress recent = address("10.1.3.250:7");
  EXPECT_EQ(answered(limit, recent, 20, kStart + 2000), 9);
}

}  // namespace
}  // namespace clocksim::daemon
