// A tiny deterministic "network" for multi-node algorithm tests without the simulator.
//
// Every node's local clock reads the network's true time (elections do not care about skew), a
// message takes a fixed latency, timers fire at exact instants, and ties are broken by insertion
// order, so a test is a pure function of its script. Loss is scripted (a predicate) or random
// from a seeded stream. Crashed nodes neither receive nor fire timers; restart builds a fresh
// algorithm object, as the simulator and a rebooted daemon do. A shutdown is a crash preceded by
// on_shutdown, whose messages are still delivered.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/note_text.hpp"
#include "algorithms/core/rng.hpp"
#include "tests/algorithms/testing/note_match.hpp"

namespace clocksim::testing {

class TestNetwork {
 public:
  struct Noted {
    Duration at;
    NodeId node;
    Note note;
  };
  struct Sent {
    Duration at;
    NodeId from;
    NodeId to;
    Message msg;
  };
  using DropRule = std::function<bool(Duration now, NodeId from, NodeId to, const Message& msg)>;

  explicit TestNetwork(Duration latency) : latency_(latency), latency_max_(latency) {}
  // Latency uniform in [lo, hi] per message, from a seeded stream.
  TestNetwork(Duration lo, Duration hi, std::uint64_t seed) : latency_(lo), latency_max_(hi), latency_rng_(seed) {}

  NodeId add(std::unique_ptr<Algorithm> node) {
    nodes_.push_back({std::move(node), false, {}});
    return static_cast<NodeId>(nodes_.size() - 1);
  }
  std::size_t size() const { return nodes_.size(); }
  Algorithm& node(NodeId id) { return *nodes_.at(id).algo; }
  bool up(NodeId id) const { return nodes_.at(id).up; }
  Duration now() const { return now_; }

  void start(NodeId id) {
    nodes_.at(id).up = true;
    call(id, [&](Algorithm& a, Effects& out) { a.on_start(local(), out); });
  }
  void start_all() {
    for (NodeId id = 0; id < nodes_.size(); ++id) start(id);
  }
  void crash(NodeId id) {
    nodes_.at(id).up = false;
    nodes_.at(id).timers.clear();
  }
  // An orderly exit (the daemon's SIGTERM): on_shutdown's sends go out, then the node is down.
  void shutdown(NodeId id) {
    call(id, [&](Algorithm& a, Effects& out) { a.on_shutdown(local(), out); });
    crash(id);
  }
  // A reboot: a fresh object (fresh state) that starts now.
  void restart(NodeId id, std::unique_ptr<Algorithm> fresh) {
    nodes_.at(id).algo = std::move(fresh);
    nodes_.at(id).timers.clear();
    start(id);
  }

  void set_drop_rule(DropRule rule) { drop_ = std::move(rule); }
  void set_random_loss(double p, std::uint64_t seed) {
    loss_ = p;
    loss_rng_.reseed(seed);
  }
  // Nodes in different groups cannot talk; nodes not listed form one more group.
  void partition(const std::vector<std::vector<NodeId>>& groups) {
    group_.assign(nodes_.size(), 0);
    int g = 1;
    for (const auto& members : groups) {
      for (NodeId n : members) group_.at(n) = g;
      ++g;
    }
  }
  void heal() { group_.clear(); }

  // Processes every event up to and including `until` (true time since the start).
  void run_until(Duration until) {
    while (!queue_.empty()) {
      auto it = queue_.begin();
      if (std::get<0>(it->first) > until) break;
      const auto [at, order] = it->first;
      Event ev = it->second;
      queue_.erase(it);
      now_ = at;
      dispatch(ev);
    }
    if (now_ < until) now_ = until;
  }
  void run_for(Duration d) { run_until(now_ + d); }
  // Runs in steps of `step` until `done()` holds; returns how long that took from now, or
  // nothing if it did not hold within `limit`.
  std::optional<Duration> run_until_true(const std::function<bool()>& done, Duration limit, Duration step) {
    const Duration from = now_;
    while (!done()) {
      if (now_ - from >= limit) return std::nullopt;
      run_for(step);
    }
    return now_ - from;
  }

  const std::vector<Noted>& notes() const { return notes_; }
  const std::vector<Sent>& sent() const { return sent_; }
  std::size_t count_sent(MsgType t) const {
    std::size_t n = 0;
    for (const auto& s : sent_) n += s.msg.type == t ? 1 : 0;
    return n;
  }
  // Sends since `from_index` (an earlier sent().size()), counting a broadcast once per receiver.
  std::size_t messages_since(std::size_t from_index) const { return sent_.size() - from_index; }
  std::size_t count_notes(NodeId node, EventKind kind) const {
    std::size_t n = 0;
    for (const auto& x : notes_) n += (x.node == node && x.note.kind() == kind) ? 1 : 0;
    return n;
  }
  bool has_note(NodeId node, const Note& pattern) const {
    for (const auto& x : notes_) {
      if (x.node == node && note_matches(x.note, pattern)) return true;
    }
    return false;
  }

  std::vector<NodeId> masters() const {
    std::vector<NodeId> out;
    for (NodeId id = 0; id < nodes_.size(); ++id) {
      if (nodes_[id].up && nodes_[id].algo->role() == Role::kMaster) out.push_back(id);
    }
    return out;
  }
  // Every up node is master or follows `master`.
  bool all_follow(NodeId master) const {
    for (NodeId id = 0; id < nodes_.size(); ++id) {
      if (nodes_[id].up && nodes_[id].algo->believed_master() != master) return false;
    }
    return true;
  }
  std::string describe() const {
    std::string s;
    for (NodeId id = 0; id < nodes_.size(); ++id) {
      s += "n" + std::to_string(id) + (nodes_[id].up ? "" : "(down)") + ":" +
           std::string(role_name(nodes_[id].algo->role())) + "->" +
           (nodes_[id].algo->believed_master() == kNoNode ? std::string("none")
                                                          : std::to_string(nodes_[id].algo->believed_master())) +
           " ";
    }
    return s;
  }
  std::string log() const {
    std::string s;
    for (const auto& n : notes_) {
      s += "t=" + std::to_string(n.at.seconds()) + " n" + std::to_string(n.node) + " " + note_text(n.note, NodeNames()) + "\n";
    }
    return s;
  }

 private:
  struct Event {
    enum class Kind : std::uint8_t { kDeliver, kTimer } kind;
    NodeId node;
    NodeId from;
    Message msg;
    TimerId timer;
    std::uint64_t generation;
  };
  struct Node {
    std::unique_ptr<Algorithm> algo;
    bool up;
    std::map<TimerId, std::uint64_t> timers;  // pending timer -> generation
  };

  LocalTime local() const { return LocalTime::from_ns(now_.ns()); }

  bool connected(NodeId a, NodeId b) const { return group_.empty() || group_.at(a) == group_.at(b); }

  void push(Duration at, Event ev) { queue_.emplace(std::make_tuple(at, order_++), ev); }

  template <class F>
  void call(NodeId id, F&& f) {
    Effects out;
    f(*nodes_.at(id).algo, out);
    apply(id, out);
  }

  void deliver_later(NodeId from, NodeId to, const Message& msg) {
    sent_.push_back({now_, from, to, msg});
    if (!connected(from, to)) return;
    if (drop_ && drop_(now_, from, to, msg)) return;
    if (loss_ > 0) {
      boost::random::bernoulli_distribution<double> lost(loss_);
      if (lost(loss_rng_)) return;
    }
    Duration latency = latency_;
    if (latency_max_ > latency_) {
      boost::random::uniform_int_distribution<std::int64_t> d(latency_.ns(), latency_max_.ns());
      latency = Duration::from_ns(d(latency_rng_));
    }
    push(now_ + latency, {Event::Kind::kDeliver, to, from, msg, 0, 0});
  }

  void apply(NodeId id, const Effects& out) {
    for (const auto& n : out.notes()) notes_.push_back({now_, id, n});
    for (const auto& t : out.timers()) {
      auto& timers = nodes_.at(id).timers;
      if (t.cancel) {
        timers.erase(t.id);
        continue;
      }
      const std::uint64_t gen = ++generation_;
      timers[t.id] = gen;
      push(now_ + t.after, {Event::Kind::kTimer, id, id, Message{}, t.id, gen});
    }
    for (const auto& s : out.sends()) {
      if (s.to == kBroadcast) {
        for (NodeId to = 0; to < nodes_.size(); ++to) {
          if (to != id) deliver_later(id, to, s.msg);
        }
      } else {
        deliver_later(id, s.to, s.msg);
      }
    }
  }

  void dispatch(const Event& ev) {
    Node& n = nodes_.at(ev.node);
    if (!n.up) return;
    if (ev.kind == Event::Kind::kTimer) {
      auto it = n.timers.find(ev.timer);
      if (it == n.timers.end() || it->second != ev.generation) return;  // replaced or cancelled
      n.timers.erase(it);
      call(ev.node, [&](Algorithm& a, Effects& out) { a.on_timer(local(), ev.timer, out); });
      return;
    }
    call(ev.node, [&](Algorithm& a, Effects& out) { a.on_message(local(), ev.from, ev.msg, out); });
  }

  Duration latency_;
  Duration latency_max_;
  Rng latency_rng_{0};
  Duration now_ = Duration::zero();
  std::vector<Node> nodes_;
  std::map<std::tuple<Duration, std::uint64_t>, Event> queue_;
  std::uint64_t order_ = 0;
  std::uint64_t generation_ = 0;
  DropRule drop_;
  double loss_ = 0;
  Rng loss_rng_{0};
  std::vector<int> group_;
  std::vector<Noted> notes_;
  std::vector<Sent> sent_;
};

}  // namespace clocksim::testing
