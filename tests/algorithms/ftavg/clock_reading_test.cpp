#include "algorithms/ftavg/clock_reading.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace clocksim::ftavg {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(ClockReading, TheReplyEchoesTheRequestAndCarriesTheAnswerersReading) {
  const Message q = clock_reading_request(42, LocalTime::from_ns(1000 * kMs));
  EXPECT_EQ(q.type, MsgType::kTimeRequest);
  EXPECT_EQ(q.seq, 42u);
  EXPECT_EQ(q.term, 42u);
  EXPECT_EQ(q.t1_ns, 1000 * kMs);
  const Message r = clock_reading_reply(q, LocalTime::from_ns(1030 * kMs));
  EXPECT_EQ(r.type, MsgType::kTimeReply);
  EXPECT_EQ(r.seq, 42u);
  EXPECT_EQ(r.term, 42u);
  EXPECT_EQ(r.t1_ns, 1000 * kMs);
  EXPECT_EQ(r.t2_ns, 1030 * kMs);
  EXPECT_EQ(r.t3_ns, 1030 * kMs);
}

TEST(PeerOffsetEstimate, ErrorIsHalfTheDelayDifference) {
  // Peer +25 ms; request takes 3 ms, reply 1 ms: estimate 26 ms (error (3 - 1)/2 = 1 ms).
  const std::int64_t t1 = 1000 * kMs, t3 = t1 + 3 * kMs + 25 * kMs, t4 = t1 + 4 * kMs;
  EXPECT_EQ(*peer_offset_estimate_ns(t1, t3, t4), 26 * kMs);
}

TEST(PeerOffsetEstimate, HostileReadingsThatWouldOverflowAreRefusedNotWrapped) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  constexpr auto kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_FALSE(peer_offset_estimate_ns(1, kMin, 3));
  EXPECT_FALSE(peer_offset_estimate_ns(-10, kMax, -6));
  EXPECT_FALSE(peer_offset_estimate_ns(kMin, 0, kMax));  // the round trip itself overflows
  EXPECT_EQ(*peer_offset_estimate_ns(0, kMax, 0), kMax);
}

}  // namespace
}  // namespace clocksim::ftavg
