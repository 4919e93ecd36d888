// The UDP status socket's rate limit through the socket itself, on a fixed monotonic time (no
// sleeping): a flood of status requests from one address leaves another address answered, and
// the status counters say how many requests each limit dropped.
#include "daemon/loop/control_socket.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace clocksim::daemon {
namespace {

UdpSocket client_at(const std::string& address) {
  auto ep = parse_endpoint(address);
  EXPECT_TRUE(std::holds_alternative<Endpoint>(ep)) << address;
  auto s = UdpSocket::bind_to(std::get<Endpoint>(ep));
  if (auto* e = std::get_if<std::string>(&s)) ADD_FAILURE() << address << ": " << *e;
  return std::holds_alternative<UdpSocket>(s) ? std::move(std::get<UdpSocket>(s)) : UdpSocket{};
}

int replies_to(const UdpSocket& client) {
  std::array<std::uint8_t, 64> buf{};
  int n = 0;
  while (client.receive(buf)) ++n;
  return n;
}

TEST(ControlSocketUdp, AFloodFromOneAddressLeavesAnotherAnswered) {
  ControlSocket control;
  ControlConfig config;
  config.udp = "127.0.0.1:0";
  ASSERT_EQ(control.open(config), std::nullopt);
  const SocketAddress status = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(control.udp_port()))).addr;
  // Every address in 127.0.0.0/8 is this host's: two sources without a network.
  const UdpSocket flooder = client_at("127.0.0.2:0"), operator_ = client_at("127.0.0.1:0");
  // A short answer, so that short requests (small datagrams: all of them fit in the socket's
  // receive buffer) are answered.
  const std::vector<std::uint8_t> request = {'s', 't', 'a', 't', 'u', 's'};
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(flooder.send_to(request, status));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(operator_.send_to(request, status));
  const node::MonoTime now = node::MonoTime::from_ns(7'000'000'000);
  for (int turn = 0; turn < 4; ++turn) control.serve(control.udp_fd(), [](std::size_t, std::size_t) { return std::string("{}"); }, now);
  EXPECT_EQ(replies_to(flooder), 10);   // its burst
  EXPECT_EQ(replies_to(operator_), 5);  // every one, after the flood
  EXPECT_EQ(control.counters().answered, 15u);
  EXPECT_EQ(control.counters().rate_limited_source, 90u);
  EXPECT_EQ(control.counters().rate_limited_overall, 0u);
}

TEST(ControlSocketUdp, ACapOverAllSourcesHolds) {
  ControlSocket control;
  ControlConfig config;
  config.udp = "127.0.0.1:0";
  config.udp_per_source_per_second = 10;
  config.udp_overall_per_second = 12;
  ASSERT_EQ(control.open(config), std::nullopt);
  const SocketAddress status = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(control.udp_port()))).addr;
  std::vector<UdpSocket> clients;
  for (int i = 2; i < 6; ++i) clients.push_back(client_at("127.0.0." + std::to_string(i) + ":0"));
  const std::vector<std::uint8_t> request = {'s', 't', 'a', 't', 'u', 's'};
  for (const UdpSocket& c : clients) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(c.send_to(request, status));
  }
  control.serve(control.udp_fd(), [](std::size_t, std::size_t) { return std::string("{}"); }, node::MonoTime::from_ns(1));
  int replies = 0;
  for (const UdpSocket& c : clients) replies += replies_to(c);
  EXPECT_EQ(replies, 12);
  EXPECT_EQ(control.counters().rate_limited_overall, 8u);
  EXPECT_EQ(control.counters().rate_limited_source, 0u);
}

}  // namespace
}  // namespace clocksim::daemon
