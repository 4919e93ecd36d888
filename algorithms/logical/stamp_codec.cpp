#include "algorithms/logical/stamp_codec.hpp"

#include <algorithm>

namespace clocksim::logical {
namespace {

std::int64_t* head_slot(Message& m, std::size_t i) {
  std::int64_t* slots[kHeadEntries] = {&m.t1_ns, &m.t2_ns, &m.t3_ns, &m.rate_ppb};
  return slots[i];
}
std::int64_t* fragment_slot(Message& m, std::size_t i) {
  std::int64_t* slots[kFragmentEntries] = {&m.t1_ns, &m.t2_ns, &m.t3_ns, &m.value_ns, &m.rate_ppb};
  return slots[i];
}

}  // namespace

std::vector<Message> encode_stamp(std::uint32_t message_id, std::uint64_t lamport,
                                  const std::vector<std::uint64_t>& vector) {
  std::vector<Message> out;
  Message head = make_message(MsgType::kLamport, message_id);
  head.value_ns = static_cast<std::int64_t>(lamport);
  head.term = static_cast<std::uint32_t>(vector.size());
  const std::size_t in_head = std::min(kHeadEntries, vector.size());
  head.hops = static_cast<std::uint8_t>(in_head);
  for (std::size_t i = 0; i < in_head; ++i) *head_slot(head, i) = static_cast<std::int64_t>(vector[i]);
  out.push_back(head);
  for (std::size_t start = in_head; start < vector.size(); start += kFragmentEntries) {
    Message f = make_message(MsgType::kVectorStamp, message_id);
    f.term = head.term;
    f.subject = static_cast<NodeId>(start);
    const std::size_t count = std::min(kFragmentEntries, vector.size() - start);
    f.hops = static_cast<std::uint8_t>(count);
    for (std::size_t i = 0; i < count; ++i) *fragment_slot(f, i) = static_cast<std::int64_t>(vector[start + i]);
    out.push_back(f);
  }
  return out;
}

bool StampReassembler::put(Partial& p, std::size_t index, std::int64_t value) {
  if (value < 0) return false;
  if (p.filled[index]) return true;  // a duplicated fragment: the first copy stands
  p.filled[index] = true;
  p.vector[index] = static_cast<std::uint64_t>(value);
  --p.missing;
  return true;
}

StampReassembler::Result StampReassembler::add(NodeId from, const Message& msg, Stamp& complete) {
  const bool head = msg.type == MsgType::kLamport;
  if (!head && msg.type != MsgType::kVectorStamp) return Result::kNotAStamp;
  const std::size_t n = msg.term;
  const std::size_t start = head ? 0 : msg.subject;
  const std::size_t count = msg.hops;
  const std::size_t capacity = head ? kHeadEntries : kFragmentEntries;
  if (n > cluster_size_ || count > capacity || start > n || count > n - start ||
      (head && count != std::min(kHeadEntries, n)) || (!head && count == 0) || (head && msg.value_ns < 0)) {
    return Result::kMalformed;
  }
  const auto key = std::make_pair(from, msg.seq);
  if (done_.count(key) != 0) return Result::kDuplicate;
  auto it = partial_.find(key);
  if (it == partial_.end()) {
    if (partial_.size() >= max_pending_) {
      auto oldest = std::min_element(partial_.begin(), partial_.end(),
                                     [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
      partial_.erase(oldest);
      ++given_up_;
    }
    Partial p;
    p.order = next_order_++;
    p.vector.assign(n, 0);
    p.filled.assign(n, false);
    p.missing = n;
    it = partial_.emplace(key, std::move(p)).first;
  }
  Partial& p = it->second;
  if (p.vector.size() != n) {  // pieces disagree on the length: give the whole stamp up
    partial_.erase(it);
    return Result::kMalformed;
  }
  if (head) {
    if (p.have_head) return Result::kDuplicate;
    p.have_head = true;
    p.lamport = static_cast<std::uint64_t>(msg.value_ns);
  }
  Message copy = msg;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t v = head ? *head_slot(copy, i) : *fragment_slot(copy, i);
    if (!put(p, start + i, v)) {
      partial_.erase(it);
      return Result::kMalformed;
    }
  }
  if (!p.have_head || p.missing > 0) return Result::kPending;
  complete.message_id = msg.seq;
  complete.lamport = p.lamport;
  complete.vector = std::move(p.vector);
  partial_.erase(it);
  done_.insert(key);
  done_order_.push_back(key);
  if (done_order_.size() > 4 * max_pending_) {
    done_.erase(done_order_.front());
    done_order_.pop_front();
  }
  return Result::kComplete;
}

}  // namespace clocksim::logical
