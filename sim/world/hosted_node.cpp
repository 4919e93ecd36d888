#include "sim/world/hosted_node.hpp"

namespace clocksim::sim {

namespace {
constexpr BootId kSimulatedBoot{'c', 'l', 'o', 'c', 'k', 's', 'i', 'm'};
}  // namespace

World::HostedNode::HostedNode(World& world, NodeId id, std::unique_ptr<Algorithm> algorithm, std::uint64_t epoch)
    : world_(world), id_(id) {
  node::NodeLoopConfig config{id, world_.members_, world_.cluster_id_, world_.spec_.algorithm.sync.kind,
                              world_.spec_.algorithm.election.kind,
                              // The scenario's `limits:` (clocksyncd's defaults unless it sets them),
                              // or this node's own: the simulated node is the daemon.
                              world_.spec_.limits_of(id), epoch};
  // One boot for the whole run: the world's true time, the hosts' monotonic time, never restarts.
  config.boot = kSimulatedBoot;
  saved_.elections_started = world_.nodes_[id].elections_started;
  if (id < world_.logical_kept_.size()) saved_.logical = world_.logical_kept_[id];
  saved_.clock_window = world_.hosted_windows_[id];
  loop_ = std::make_unique<node::NodeLoop>(std::move(config), std::move(algorithm),
                                           node::NodeLoopHost{*this, *this, *this, *this, log_, this, nullptr, nullptr, this},
                                           world_.cluster_keys_.get());
}

// Only the window: the world keeps election numbers and logical clocks from the notes and events
// itself (copying a vector clock here on every event would cost a large world dearly).
bool World::HostedNode::save(const StableState& state) {
  world_.hosted_windows_[id_] = state.clock_window;
  return true;
}

ClockModel& World::HostedNode::clock() { return world_.nodes_[id_].clock; }

LocalTime World::HostedNode::now() { return clock().read(world_.now_); }

// Observers hear of a step or slew before the clock moves (on_clock_effect, with the round that
// computed it) and of a rate correction after it, in the order the algorithm host tells them.
void World::HostedNode::step(Duration delta) { clock().step(world_.now_, delta); }

void World::HostedNode::slew(Duration delta) { clock().slew(world_.now_, delta); }

void World::HostedNode::set_rate_correction_ppm(double ppm) {
  const double applied_ppm = clock().set_rate_correction_ppm(world_.now_, ppm);
  for (Observer* o : world_.observers_) o->on_rate_correction(world_.now_, id_, applied_ppm);
}

void World::HostedNode::on_clock_effect(const ClockEffect& applied) {
  if (applied.kind != ClockEffect::Kind::kAdjust) return;
  for (Observer* o : world_.observers_) o->on_clock_adjust(world_.now_, id_, applied.delta, applied.mode, applied.source);
}

void World::HostedNode::on_clock_guarded(const ClockEffect& /*asked*/, GuardOutcome /*outcome*/) {
  for (Observer* o : world_.observers_) o->on_clock_guarded(world_.now_, id_);
}

Duration World::HostedNode::monotonic_span(Duration local_span) { return clock().true_span(world_.now_, local_span); }

Duration World::HostedNode::offset_from_system() {
  return Duration::from_ns(clock().local_ns(world_.now_) - world_.now_.ns());
}

Duration World::HostedNode::pending_slew() { return clock().pending_slew(world_.now_); }

double World::HostedNode::rate_correction_ppm() const { return world_.nodes_[id_].clock.correction_ppm(); }

// The simulated host's monotonic and wall clocks are both its true time: the one place where the
// axes meet on purpose.
node::MonoTime World::HostedNode::monotonic_now() { return node::MonoTime::from_ns(world_.now_.ns()); }
node::WallTime World::HostedNode::wall_now() { return node::WallTime::from_ns(world_.now_.ns()); }

bool World::HostedNode::send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) {
  if (carried.type != MsgType::kNone && world_.liars_.any() && world_.liars_.lying(id_)) {
    // A Byzantine node (scenario fault `byzantine`): its process lies as with host: algorithm,
    // and seals the lie with its own keys, so the receivers authenticate it.
    const Message lie = world_.liars_.tamper(id_, to, carried);
    if (const auto p = loop_->seal(to, lie)) {
      world_.send_datagram(id_, to, p->view(), lie);
      return true;
    }
  }
  world_.send_datagram(id_, to, bytes, carried);
  return true;
}

void World::HostedNode::arm(TimerId id, node::MonoTime deadline) {
  world_.arm_timer_event(id_, id, Time::from_ns(deadline.ns()));
}

void World::HostedNode::cancel(TimerId id) { world_.cancel_timer_event(id_, id); }

void World::HostedNode::on_note(const Note& note) { world_.emit(id_, note); }

}  // namespace clocksim::sim
