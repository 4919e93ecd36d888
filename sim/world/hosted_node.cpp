#include "sim/world/hosted_node.hpp"

namespace clocksim::sim {

World::HostedNode::HostedNode(World& world, NodeId id, std::unique_ptr<Algorithm> algorithm)
    : world_(world), id_(id) {
  node::NodeLoopConfig config{id, world_.members_, world_.cluster_id_, world_.spec_.algorithm.sync.kind,
                              world_.spec_.algorithm.election.kind,
                              // clocksyncd's default sanity limits: the simulated node is the daemon.
                              ClockGuardConfig{}};
  loop_ = std::make_unique<node::NodeLoop>(std::move(config), std::move(algorithm),
                                           node::NodeLoopHost{*this, *this, *this, *this, log_, this},
                                           world_.cluster_keys_.get());
}

ClockModel& World::HostedNode::clock() { return world_.nodes_[id_].clock; }

LocalTime World::HostedNode::now() { return clock().read(world_.now_); }

void World::HostedNode::step(Duration delta) {
  for (Observer* o : world_.observers_) o->on_clock_adjust(world_.now_, id_, delta, AdjustMode::kStep, CorrectionSource{});
  clock().step(world_.now_, delta);
}

void World::HostedNode::slew(Duration delta) {
  for (Observer* o : world_.observers_) o->on_clock_adjust(world_.now_, id_, delta, AdjustMode::kSlew, CorrectionSource{});
  clock().slew(world_.now_, delta);
}

void World::HostedNode::set_rate_correction_ppm(double ppm) { clock().set_rate_correction_ppm(world_.now_, ppm); }

Duration World::HostedNode::monotonic_span(Duration local_span) { return clock().true_span(world_.now_, local_span); }

Duration World::HostedNode::offset_from_system() {
  return Duration::from_ns(clock().local_ns(world_.now_) - world_.now_.ns());
}

Duration World::HostedNode::pending_slew() { return clock().pending_slew(world_.now_); }

double World::HostedNode::rate_correction_ppm() const { return world_.nodes_[id_].clock.correction_ppm(); }

std::int64_t World::HostedNode::monotonic_ns() { return world_.now_.ns(); }
std::int64_t World::HostedNode::realtime_ns() { return world_.now_.ns(); }

bool World::HostedNode::send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) {
  world_.send_datagram(id_, to, bytes, carried);
  return true;
}

void World::HostedNode::arm(TimerId id, std::int64_t deadline_mono_ns) {
  world_.arm_timer_event(id_, id, Time::from_ns(deadline_mono_ns));
}

void World::HostedNode::cancel(TimerId id) { world_.cancel_timer_event(id_, id); }

void World::HostedNode::on_note(const Note& note) { world_.emit(id_, note); }

}  // namespace clocksim::sim
