namespace Dumpkit.Tcpdump;

/// <summary>Entry point of the <c>tcpdump</c> personality.</summary>
public static class TcpdumpCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("tcpdump: not implemented yet in this build of dumpkit");
        return 1;
    }
}
