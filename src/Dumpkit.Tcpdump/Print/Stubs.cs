namespace Dumpkit.Tcpdump.Print;

internal static class Dhcp6 { public static void Print(Nd nd, int bp, int length) { nd.Proto = "dhcp6"; nd.P($"dhcp6"); } }
internal static class Mptcp { public static bool Print(Nd nd, int bp, int len, int flags) => true; }
