namespace Dumpkit.Tcpdump.Print;

internal static class Bootp { public static void Print(Nd nd, int bp, int length) { nd.Proto = "bootp"; nd.P($"BOOTP/DHCP, length {length}"); } }
internal static class Dhcp6 { public static void Print(Nd nd, int bp, int length) { nd.Proto = "dhcp6"; nd.P($"dhcp6"); } }
internal static class Mptcp { public static bool Print(Nd nd, int bp, int len, int flags) => true; }
