namespace Dumpkit.Kexec;

/// <summary>Entry point of the <c>kdump</c> personality (the kdump service, like kdump-tools' kdump-config).</summary>
public static class KdumpCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("kdump: not implemented yet in this build of dumpkit");
        return 1;
    }
}
