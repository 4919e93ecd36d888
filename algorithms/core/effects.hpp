// What an algorithm asks its driver to do. Algorithms only *describe* effects; the simulator's
// node host or the daemon's event loop reads them back and carries them out, in order.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/note.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

enum class AdjustMode : std::uint8_t {
  kSlew,  // adjtime: spread the correction at the clock's bounded slew rate
  kStep,  // settimeofday: jump now
};

// Roles as the traces and the narrative show them.
enum class Role : std::uint8_t { kNone, kSlave, kMaster, kCandidate, kClient, kServer };
std::string_view role_name(Role r);

struct SendEffect {
  NodeId to;  // kBroadcast: every other member
  Message msg;
};
struct TimerEffect {
  TimerId id;
  Duration after;  // ignored when cancel is set
  bool cancel;
};
// Which master's round computed a correction: lets an observer (the epoch skew bound) tie each
// applied correction to the round that measured the clock, whatever order they arrive in.
struct CorrectionSource {
  NodeId master = kNoNode;  // kNoNode: not a master's round (a client's own estimate, a test)
  std::uint32_t term = 0;   // that master's round number
};
struct ClockEffect {
  enum class Kind : std::uint8_t { kAdjust, kSetRate } kind;
  AdjustMode mode;     // kAdjust
  Duration delta;      // kAdjust: relative change of the reading
  double rate_ppm;     // kSetRate: frequency correction that replaces the previous one
  CorrectionSource source{};  // kAdjust
};

// What one member's reading says of this node's clock: the correction that reading alone asks
// for (positive: the member reads ahead of this clock). Member kNoNode: the node's own reference
// clock (a local instrument, no network member).
struct Witness {
  NodeId member = kNoNode;
  Duration offset;
};
// The readings a dispatch's clock correction rests on: how many members the algorithm consulted
// for it (asked, answered or not) and what those that answered said. The clock guard weighs a
// large correction at start-up against them (clock_guard.hpp); the simulator's world, which
// carries corrections out unguarded, ignores them.
struct Evidence {
  std::uint32_t consulted = 0;
  std::vector<Witness> witnesses;
};

class Effects {
 public:
  void send(NodeId to, const Message& msg) { sends_.push_back({to, msg}); }
  void broadcast(const Message& msg) { sends_.push_back({kBroadcast, msg}); }
  // Arms timer `id` to fire `after` from now (local clock); re-arming replaces a pending one.
  void set_timer(TimerId id, Duration after) { timers_.push_back({id, after, false}); }
  void cancel_timer(TimerId id) { timers_.push_back({id, Duration::zero(), true}); }
  void adjust_clock(Duration delta, AdjustMode mode, CorrectionSource source = {}) {
    clock_.push_back({ClockEffect::Kind::kAdjust, mode, delta, 0.0, source});
  }
  void set_rate_correction_ppm(double ppm) {
    clock_.push_back({ClockEffect::Kind::kSetRate, AdjustMode::kSlew, Duration::zero(), ppm});
  }
  void note(const Note& n) { notes_.push_back(n); }
  void note(Note&& n) { notes_.push_back(std::move(n)); }
  // A note built in place, to be filled through the reference (valid until the next note): a
  // Note is large, and one built aside costs a move and a destruction besides.
  Note& add_note(NoteWhat what) { return notes_.emplace_back(what); }
  // The correction asked in this dispatch rests on `consulted` members' readings, of which
  // witness() reports each one that answered.
  void consulted(std::uint32_t members) { evidence_.consulted = members; }
  void witness(NodeId member, Duration offset) { evidence_.witnesses.push_back({member, offset}); }
  // Asks the host for one reading of this node's reference clock (Algorithm::on_reference, at the
  // same local time); a host whose node has no reference clock ignores it.
  void read_reference_clock() { reference_read_ = true; }

  const std::vector<SendEffect>& sends() const { return sends_; }
  const std::vector<TimerEffect>& timers() const { return timers_; }
  const std::vector<ClockEffect>& clock() const { return clock_; }
  const std::vector<Note>& notes() const { return notes_; }
  const Evidence& evidence() const { return evidence_; }
  bool reference_read_requested() const { return reference_read_; }
  bool empty() const {
    return sends_.empty() && timers_.empty() && clock_.empty() && notes_.empty() && !reference_read_;
  }

  // Keeps capacity: the driver reuses one Effects per dispatch, so the hot path never allocates.
  // Inline but for the notes' destructors, which most dispatches have none to run.
  void clear() {
    sends_.clear();
    timers_.clear();
    clock_.clear();
    if (!notes_.empty()) clear_notes();
    evidence_.consulted = 0;
    evidence_.witnesses.clear();
    reference_read_ = false;
  }

 private:
  [[gnu::noinline]] void clear_notes() { notes_.clear(); }

  std::vector<SendEffect> sends_;
  std::vector<TimerEffect> timers_;
  std::vector<ClockEffect> clock_;
  std::vector<Note> notes_;
  Evidence evidence_;
  bool reference_read_ = false;
};

}  // namespace clocksim
