#include "daemon/loop/ntp_service.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "algorithms/ntp/constants.hpp"
#include "algorithms/ntp/ntp_message.hpp"

namespace clocksim::daemon {

namespace wire = node::wire;

namespace {
constexpr std::uint32_t ascii_id(const char (&s)[5]) {
  return (std::uint32_t(std::uint8_t(s[0])) << 24) | (std::uint32_t(std::uint8_t(s[1])) << 16) |
         (std::uint32_t(std::uint8_t(s[2])) << 8) | std::uint32_t(std::uint8_t(s[3]));
}
}  // namespace

std::optional<std::string> reserved_id_problem(NodeId id) {
  if (id < kNtpClientIdBase) return std::nullopt;
  return "id " + std::to_string(id) + " is reserved: ids from " + std::to_string(kNtpClientIdBase) +
         " (0xF0000000) up name the NTP port's clients; give a lower one";
}

std::string ntp_client_address(const std::vector<NtpServer>& servers) {
  for (const auto& s : servers) {
    auto ep = parse_destination(s.address);
    if (auto* e = std::get_if<Endpoint>(&ep); e && e->addr.family() == AF_INET6) return "[::]:0";
  }
  return "0.0.0.0:0";
}

NtpService::NtpService(std::string listen, std::vector<NtpServer> servers, node::Clock& clock, node::Logger& log, NodeId self,
                       std::vector<NtpServer> members)
    : serving_(!listen.empty()),
      listen_(serving_ ? std::move(listen) : ntp_client_address(servers)),
      configured_(std::move(servers)),
      members_(std::move(members)),
      clock_(clock),
      log_(log),
      self_(self) {}

std::optional<std::string> NtpService::open() {
  auto at = parse_bind_address(listen_);
  if (auto* e = std::get_if<std::string>(&at)) return "ntp listen: " + *e;
  for (const auto& s : configured_) {
    if (auto e = reserved_id_problem(s.id)) return "ntp server " + *e;
    auto ep = parse_destination(s.address);
    if (auto* e = std::get_if<std::string>(&ep)) return "ntp server " + std::to_string(s.id) + ": " + *e;
    // Requests leave from the NTP port's socket, and replies are matched by their source address
    // in the form that socket gives it.
    auto reached = reachable_from(std::get<Endpoint>(at), std::get<Endpoint>(ep));
    if (auto* e = std::get_if<std::string>(&reached)) return "ntp server " + std::to_string(s.id) + ": " + *e;
    const Endpoint& server = std::get<Endpoint>(reached);
    // RFC 5905's loop test compares a server's reference id with "the local address": the address
    // the server knows us by, which is the bound one, or on a wildcard the one the kernel sends
    // from towards that server (a server reached at another of our addresses than the route's
    // source would name that one, which is not detected).
    const SocketAddress& bound = std::get<Endpoint>(at).addr;
    std::optional<std::uint32_t> own;
    if (!bound.is_any()) {
      own = bound.ntp_reference_id();
    } else if (const auto local = local_address_toward(server.addr)) {
      own = local->ntp_reference_id();
    }
    if (!servers_.emplace(s.id, ServerState{server, std::nullopt, 0, server.addr.ntp_reference_id(), own}).second) {
      return "ntp server " + std::to_string(s.id) + " listed twice";
    }
  }
  for (const auto& m : members_) {
    // The loop has checked the members' addresses already; one that does not parse is left out.
    auto ep = parse_destination(m.address);
    if (auto* e = std::get_if<Endpoint>(&ep)) member_reference_ids_[m.id] = e->addr.ntp_reference_id();
  }
  auto sock = UdpSocket::bind_to(std::get<Endpoint>(at));
  if (auto* e = std::get_if<std::string>(&sock)) return "ntp listen: " + *e;
  socket_ = std::move(std::get<UdpSocket>(sock));
  return std::nullopt;
}

bool NtpService::owns(NodeId id) const {
  if (id >= kNtpClientIdBase) return id - kNtpClientIdBase < clients_.size();
  return servers_.count(id) != 0;
}

NodeId NtpService::client_slot(const SocketAddress& from) {
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (clients_[i] == from) return kNtpClientIdBase + static_cast<NodeId>(i);
  }
  // A bounded table: the oldest slot is reused, so a flood of sources costs no memory.
  std::size_t slot;
  if (clients_.size() < kNtpClientSlots) {
    slot = clients_.size();
    clients_.push_back(from);
  } else {
    slot = next_slot_;
    next_slot_ = (next_slot_ + 1) % kNtpClientSlots;
    clients_[slot] = from;
  }
  return kNtpClientIdBase + static_cast<NodeId>(slot);
}

void NtpService::receive(const std::function<void(NodeId, const Message&)>& deliver) {
  std::array<std::uint8_t, wire::kNtpMaxBytes + 1> buf{};
  for (int i = 0; i < 256; ++i) {
    const auto got = socket_.receive(buf);
    if (!got) return;
    ++counters_.packets_in;
    if (!got->from) continue;  // not from an IP address: nobody to answer
    const std::size_t size = std::min(got->length, buf.size());
    handle({buf.data(), size}, *got->from, deliver);
  }
}

void NtpService::handle(std::span<const std::uint8_t> bytes, const SocketAddress& from,
                        const std::function<void(NodeId, const Message&)>& deliver) {
  auto decoded = wire::decode_ntp(bytes);
  if (auto* d = std::get_if<wire::NtpDrop>(&decoded)) {
    const auto count = ++counters_.dropped[static_cast<std::size_t>(*d)];
    if (count == 1 || count % 1000 == 0) {
      log_.write("drop", {{"node", self_}, {"reason", wire::ntp_drop_name(*d)}, {"count", count}});
    }
    return;
  }
  const wire::NtpPacket& p = std::get<wire::NtpPacket>(decoded);
  const std::int64_t now_ns = clock_.now().ns();
  if (p.mode == static_cast<std::uint8_t>(wire::NtpMode::kClient)) {
    // A client-only port was not offered to anyone as a server: requests to it are not answered.
    if (!serving_) {
      ++counters_.requests_ignored;
      return;
    }
    const NodeId client = client_slot(from);
    Message m = make_message(MsgType::kNtpRequest, next_seq_++);
    m.t1_ns = wire::unix_ns_from_ntp(p.transmit_ts, now_ns);
    current_ = Request{client, m.seq, p.transmit_ts, p.version};
    deliver(client, m);  // send() counts the request served when a reply goes out
    current_.reset();
    return;
  }
  // Mode 4: only from a server we asked, and matched to our last request by the origin.
  auto it = std::find_if(servers_.begin(), servers_.end(), [&](const auto& s) { return s.second.endpoint.addr == from; });
  if (it == servers_.end()) {
    ++counters_.unknown_server;
    return;
  }
  ServerState& s = it->second;
  Message m = make_message(MsgType::kNtpReply);
  // The exact local send time when the origin is ours (once); otherwise a value no request ever
  // carries, which the algorithm's origin check rejects and notes like any bogus reply.
  const bool ours = s.last_xmt_raw && *s.last_xmt_raw == p.origin_ts;
  m.t1_ns = ours ? s.last_xmt_ns : std::numeric_limits<std::int64_t>::min();
  if (ours) s.last_xmt_raw.reset();
  m.t2_ns = wire::unix_ns_from_ntp(p.receive_ts, now_ns);
  m.t3_ns = wire::unix_ns_from_ntp(p.transmit_ts, now_ns);
  ntp::ReplyHeader h;
  h.leap = static_cast<ntp::Leap>(p.leap);
  h.stratum = p.stratum;
  h.poll = p.poll;
  // A reference id is an address, not a node id: only our own address means something to the
  // algorithm, a server synchronized to this node (a timing loop, which fit() refuses), and it is
  // passed as this node's id. Below stratum 2 the reference id is a code (a kiss code, a reference
  // clock's name), not an address.
  const bool loop = ours && p.stratum >= 2 && s.own_reference_id && p.reference_id == *s.own_reference_id;
  if (loop) ++counters_.loop_replies;
  h.reference_id = loop ? self_ : kNoNode;
  h.root_delay_ns = wire::ns_from_ntp_short(p.root_delay);
  h.root_dispersion_ns = wire::ns_from_ntp_short(p.root_dispersion);
  ntp::put_header(m, h);
  ++counters_.replies_delivered;
  deliver(it->first, m);
}

// RFC 5905, 7.3: an upstream is named by its IPv4 address (or the MD5 digest of its IPv6 one),
// which is what a downstream server compares with its own address to detect a timing loop; a node
// id on the wire would read as some unrelated address (node 1 as 0.0.0.1).
std::uint32_t NtpService::reference_id_for(NodeId id, int stratum) const {
  // The algorithm names no upstream (kNoNode) when it serves a reference clock or, at its local
  // stratum, its own clock.
  if (id == kNoNode || stratum <= 1) return ascii_id("LOCL");
  if (auto it = servers_.find(id); it != servers_.end()) return it->second.reference_id;
  if (auto it = member_reference_ids_.find(id); it != member_reference_ids_.end()) return it->second;
  // An upstream of no known address (the algorithm only follows configured servers and members,
  // so this is not expected): 0, rather than an id a client would take for an address.
  return 0;
}

void NtpService::send(NodeId to, const Message& msg) {
  wire::NtpPacket p;
  const SocketAddress* dest = nullptr;
  if (msg.type == MsgType::kNtpReply && to >= kNtpClientIdBase) {
    if (!current_ || current_->client != to || current_->seq != msg.seq) return;  // not the request being served
    const ntp::ReplyHeader h = ntp::get_header(msg);
    p.leap = static_cast<std::uint8_t>(h.leap);
    p.version = current_->version;
    p.mode = static_cast<std::uint8_t>(wire::NtpMode::kServer);
    p.stratum = static_cast<std::uint8_t>(std::clamp(h.stratum, 0, 16));
    p.poll = static_cast<std::int8_t>(h.poll);
    p.precision = static_cast<std::int8_t>(ntp::kPrecisionLog2);
    p.root_delay = wire::ntp_short_from_ns(h.root_delay_ns);
    p.root_dispersion = wire::ntp_short_from_ns(h.root_dispersion_ns);
    p.reference_id = h.leap == ntp::Leap::kNotSynchronized ? 0 : reference_id_for(h.reference_id, h.stratum);
    // RFC 5905, 7.3: when the clock was last set or corrected, 0 when it never was.
    p.reference_ts = h.reference_age_ms == ntp::kNoReference
                         ? 0
                         : wire::ntp_from_unix_ns(msg.t2_ns - static_cast<std::int64_t>(h.reference_age_ms) * 1'000'000);
    p.origin_ts = current_->xmt_raw;  // bit for bit: clients match on it
    p.receive_ts = wire::ntp_from_unix_ns(msg.t2_ns);
    p.transmit_ts = wire::ntp_from_unix_ns(msg.t3_ns);
    dest = &clients_[to - kNtpClientIdBase];
    ++counters_.requests_served;
  } else if (msg.type == MsgType::kNtpRequest) {
    auto it = servers_.find(to);
    if (it == servers_.end()) return;
    p.leap = static_cast<std::uint8_t>(ntp::Leap::kNotSynchronized);
    p.version = 4;
    p.mode = static_cast<std::uint8_t>(wire::NtpMode::kClient);
    p.poll = 6;
    p.precision = static_cast<std::int8_t>(ntp::kPrecisionLog2);
    p.transmit_ts = wire::ntp_from_unix_ns(msg.t1_ns);
    it->second.last_xmt_raw = p.transmit_ts;
    it->second.last_xmt_ns = msg.t1_ns;
    dest = &it->second.endpoint.addr;
  } else {
    return;
  }
  const auto bytes = wire::encode_ntp(p);
  if (socket_.send_to(bytes, *dest)) {
    ++counters_.packets_out;
  } else {
    ++counters_.send_errors;
  }
}

nlohmann::json NtpService::status_json() const {
  nlohmann::json dropped = nlohmann::json::object();
  for (std::size_t i = 0; i < wire::kNtpDropCount; ++i) {
    dropped[std::string(wire::ntp_drop_name(static_cast<wire::NtpDrop>(i)))] = counters_.dropped[i];
  }
  return {{"port", local_port()},
          {"packets_in", counters_.packets_in},
          {"requests_served", counters_.requests_served},
          {"replies_delivered", counters_.replies_delivered},
          {"packets_out", counters_.packets_out},
          {"send_errors", counters_.send_errors},
          {"unknown_server", counters_.unknown_server},
          {"serving", serving_},
          {"requests_ignored", counters_.requests_ignored},
          {"loop_replies", counters_.loop_replies},
          {"dropped", dropped}};
}

}  // namespace clocksim::daemon
