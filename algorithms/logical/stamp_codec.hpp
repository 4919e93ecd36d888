// Carrying a Lamport and a vector timestamp in the flat, fixed Message (and so in clocksyncd's
// 84-byte datagram, unchanged): the variable-size vector is split over several messages, like IP
// fragments. The head (kLamport) carries the message id in seq, the Lamport time in value_ns, the
// vector's length in term and its first 4 entries in t1, t2, t3, rate_ppb; each kVectorStamp
// carries up to 5 more (t1, t2, t3, value_ns, rate_ppb) from index `subject`, `hops` of them.
// The receiver delivers the application message when every entry has arrived, in any order:
// ceil((n - 4) / 5) extra messages for n nodes, nothing extra up to 4 nodes.
//
// Why not a side payload: the simulator could carry one, but the daemon's datagram could not,
// and the two worlds must run the same bytes. Why not a handle: a receiver cannot follow a
// handle into another process's memory.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <optional>
#include <utility>
#include <vector>

#include "algorithms/core/message.hpp"

namespace clocksim::logical {

inline constexpr std::size_t kHeadEntries = 4;
inline constexpr std::size_t kFragmentEntries = 5;

std::vector<Message> encode_stamp(std::uint32_t message_id, std::uint64_t lamport,
                                  const std::vector<std::uint64_t>& vector);

struct Stamp {
  std::uint32_t message_id = 0;
  std::uint64_t lamport = 0;
  std::vector<std::uint64_t> vector;  // empty: Lamport only
};

// Reassembles stamps per (sender, message id). Hostile input (a vector longer than the cluster,
// entries past its end, a negative entry or Lamport time) is refused, never applied; at most
// `max_pending` stamps wait for fragments, the oldest given up first.
class StampReassembler {
 public:
  enum class Result : std::uint8_t { kComplete, kPending, kDuplicate, kMalformed, kNotAStamp };
  StampReassembler(std::size_t cluster_size, std::size_t max_pending = 256)
      : cluster_size_(cluster_size), max_pending_(max_pending) {}

  Result add(NodeId from, const Message& msg, Stamp& complete);
  std::size_t pending() const { return partial_.size(); }
  std::uint64_t given_up() const { return given_up_; }

 private:
  struct Partial {
    std::uint64_t order;  // arrival order of its first piece, for eviction
    bool have_head = false;
    std::uint64_t lamport = 0;
    std::vector<std::uint64_t> vector;
    std::vector<bool> filled;
    std::size_t missing = 0;
  };
  bool put(Partial& p, std::size_t index, std::int64_t value);

  std::size_t cluster_size_;
  std::size_t max_pending_;
  std::uint64_t next_order_ = 0;
  std::uint64_t given_up_ = 0;
  std::map<std::pair<NodeId, std::uint32_t>, Partial> partial_;
  // Recently completed stamps: a duplicated datagram must not deliver a message twice.
  std::set<std::pair<NodeId, std::uint32_t>> done_;
  std::deque<std::pair<NodeId, std::uint32_t>> done_order_;
};

}  // namespace clocksim::logical
