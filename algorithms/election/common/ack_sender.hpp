// Reliable sends for election protocols: timed's `acksend` (docs/berkeley-and-tsp.md §1).
//
// A message is sent (optionally after an answer delay), then re-sent while no reply of the
// expected type with the same seq arrives: the wait starts at `first_wait` and doubles after each
// send, up to `max_sends` sends (timed: 200, 400, 800, 1600, 3200 ms, 5 sends, ~6.2 s). Each
// outstanding message owns one timer in the election's TimerSpace part: slot seq mod 2^16, or the
// next free one when two outstanding seqs share it, so that one message's timer never stands in
// for another's. At most kMaxPending are outstanding (timeouts far below the round trip pile them
// up): a new one beyond that abandons the oldest, as a bounded retransmission queue must. The
// owner decides what a reply or an exhaustion means.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::election {

class AckSender {
 public:
  struct Outgoing {
    NodeId to = kNoNode;                 // kBroadcast allowed
    Message msg;                         // msg.seq names it
    MsgType expect = MsgType::kNone;     // kNone: a plain (possibly delayed) send, no retries
    int max_sends = 1;
    int sends_done = 0;
    bool answered = false;               // keep_collecting: a reply arrived in this wait
    bool keep_collecting = false;        // a broadcast that gathers every reply of this wait
  };
  enum class Outcome : std::uint8_t { kNothing, kExhausted, kCollected };
  struct TimerResult {
    Outcome outcome = Outcome::kNothing;
    Outgoing item;
  };

  static constexpr std::size_t kMaxPending = 1u << 12;

  // Ack timers use local ids [timer_base, timer_base + 2^16) of TimerSpace part `part`.
  AckSender(std::uint32_t part, std::uint32_t timer_base, Duration first_wait)
      : part_(part), timer_base_(timer_base), first_wait_(first_wait) {}

  // Sends `item` after `delay` (zero: at once) and keeps re-sending as described above.
  void start(Outgoing item, Duration delay, Effects& out);

  bool owns(TimerId id) const;
  // A timer of ours fired: re-send, or report that the item ran out of sends (kExhausted) or, for
  // a collecting broadcast, that the wait in which replies arrived is over (kCollected).
  TimerResult on_timer(TimerId id, Effects& out);

  // A reply `type` with `seq` arrived. For an ordinary item the item is finished and returned;
  // a collecting item is only marked answered (it stays pending until its wait ends).
  std::optional<Outgoing> on_reply(MsgType type, std::uint32_t seq, Effects& out);

  const Outgoing* find(std::uint32_t seq) const;
  void cancel(std::uint32_t seq, Effects& out);
  void cancel_all(Effects& out);
  bool empty() const { return pending_.empty(); }
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    Outgoing item;
    std::uint32_t slot = 0;  // its timer's
  };
  TimerId timer_of_slot(std::uint32_t slot) const;
  // Files `item` under its seq with a free timer slot (abandoning the oldest item if full).
  Pending& admit(const Outgoing& item, Effects& out);
  void erase(std::map<std::uint32_t, Pending>::iterator it);
  void send_now(Outgoing& item, Effects& out);

  std::uint32_t part_;
  std::uint32_t timer_base_;
  Duration first_wait_;
  std::map<std::uint32_t, Pending> pending_;         // by seq; ordered, so iteration is deterministic
  std::map<std::uint32_t, std::uint32_t> seq_of_slot_;  // the timer slots in use
};

}  // namespace clocksim::election
