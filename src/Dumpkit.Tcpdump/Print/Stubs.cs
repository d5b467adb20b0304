namespace Dumpkit.Tcpdump.Print;

internal static class Mptcp { public static bool Print(Nd nd, int bp, int len, int flags) => true; }
