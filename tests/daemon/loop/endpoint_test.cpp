#include "daemon/loop/endpoint.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace clocksim::daemon {
namespace {

TEST(Endpoint, ParsesDottedQuadAndLocalhost) {
  auto e = parse_endpoint("127.0.0.1:5525");
  ASSERT_TRUE(std::holds_alternative<Endpoint>(e));
  EXPECT_EQ(ntohs(std::get<Endpoint>(e).addr.sin_port), 5525);
  EXPECT_EQ(endpoint_to_string(std::get<Endpoint>(e).addr), "127.0.0.1:5525");
  auto l = parse_endpoint("localhost:0");
  ASSERT_TRUE(std::holds_alternative<Endpoint>(l)) << std::get<std::string>(l);
  EXPECT_EQ(ntohl(std::get<Endpoint>(l).addr.sin_addr.s_addr), 0x7F000001u);
}

TEST(Endpoint, RejectsWithTheTextAndTheExpectedForm) {
  for (const char* bad : {"127.0.0.1", ":5525", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:55x", "127.0.0.1:99999999999"}) {
    auto e = parse_endpoint(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(e)) << bad;
    EXPECT_NE(std::get<std::string>(e).find(bad), std::string::npos) << std::get<std::string>(e);
  }
}

TEST(UdpSocket, BindsAnEphemeralPortAndReportsBusyPorts) {
  auto a = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(a));
  const auto port = std::get<UdpSocket>(a).local_port();
  EXPECT_NE(port, 0);
  auto b = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(port))));
  ASSERT_TRUE(std::holds_alternative<std::string>(b));
  EXPECT_NE(std::get<std::string>(b).find("cannot bind"), std::string::npos);
}

}  // namespace
}  // namespace clocksim::daemon
