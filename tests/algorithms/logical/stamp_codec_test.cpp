#include "algorithms/logical/stamp_codec.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace clocksim::logical {
namespace {

std::vector<std::uint64_t> iota_vector(std::size_t n) {
  std::vector<std::uint64_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 100 + i;
  return v;
}

TEST(StampCodec, SmallClustersNeedOneMessage) {
  const auto m = encode_stamp(3, 42, iota_vector(4));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].type, MsgType::kLamport);
  EXPECT_EQ(m[0].value_ns, 42);
  EXPECT_EQ(encode_stamp(3, 42, {}).size(), 1u);  // Lamport only
  EXPECT_EQ(encode_stamp(3, 42, iota_vector(9)).size(), 2u);
  EXPECT_EQ(encode_stamp(3, 42, iota_vector(10)).size(), 3u);
}

TEST(StampCodec, ReassemblesInAnyOrder) {
  const auto v = iota_vector(12);
  auto msgs = encode_stamp(9, 77, v);
  ASSERT_EQ(msgs.size(), 3u);
  std::reverse(msgs.begin(), msgs.end());
  StampReassembler r(12);
  Stamp s;
  EXPECT_EQ(r.add(2, msgs[0], s), StampReassembler::Result::kPending);
  EXPECT_EQ(r.add(2, msgs[1], s), StampReassembler::Result::kPending);
  EXPECT_EQ(r.add(2, msgs[2], s), StampReassembler::Result::kComplete);
  EXPECT_EQ(s.message_id, 9u);
  EXPECT_EQ(s.lamport, 77u);
  EXPECT_EQ(s.vector, v);
  EXPECT_EQ(r.pending(), 0u);
  // The same datagram again (a duplicate on the network) delivers nothing.
  EXPECT_EQ(r.add(2, msgs[2], s), StampReassembler::Result::kDuplicate);
}

TEST(StampCodec, SendersAreKeptApart) {
  const auto a = encode_stamp(1, 5, iota_vector(6));
  StampReassembler r(6);
  Stamp s;
  EXPECT_EQ(r.add(1, a[0], s), StampReassembler::Result::kPending);
  EXPECT_EQ(r.add(2, a[1], s), StampReassembler::Result::kPending);  // same id, other sender
  EXPECT_EQ(r.pending(), 2u);
}

TEST(StampCodec, HostileStampsAreRefused) {
  StampReassembler r(4);
  Stamp s;
  auto too_long = encode_stamp(1, 5, iota_vector(9));
  EXPECT_EQ(r.add(1, too_long[0], s), StampReassembler::Result::kMalformed);  // longer than the cluster
  Message past_end = make_message(MsgType::kVectorStamp, 2);
  past_end.term = 4;
  past_end.subject = 3;
  past_end.hops = 5;
  EXPECT_EQ(r.add(1, past_end, s), StampReassembler::Result::kMalformed);
  auto negative = encode_stamp(3, 5, iota_vector(4));
  negative[0].t2_ns = -1;
  EXPECT_EQ(r.add(1, negative[0], s), StampReassembler::Result::kMalformed);
  auto lamport = encode_stamp(4, 5, iota_vector(4));
  lamport[0].value_ns = -5;
  EXPECT_EQ(r.add(1, lamport[0], s), StampReassembler::Result::kMalformed);
  EXPECT_EQ(r.add(1, make_message(MsgType::kTimeReply), s), StampReassembler::Result::kNotAStamp);
  EXPECT_EQ(r.pending(), 0u);
}

TEST(StampCodec, AFloodOfFragmentsIsCapped) {
  StampReassembler r(9, 8);
  Stamp s;
  for (std::uint32_t id = 0; id < 100; ++id) {
    const auto m = encode_stamp(id, 1, iota_vector(9));
    EXPECT_EQ(r.add(1, m[1], s), StampReassembler::Result::kPending);  // never the head
  }
  EXPECT_EQ(r.pending(), 8u);
  EXPECT_EQ(r.given_up(), 92u);
}

}  // namespace
}  // namespace clocksim::logical
