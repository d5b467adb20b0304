namespace Dumpkit.Kexec;

/// <summary>Entry point of the <c>kexec</c> personality (kexec-tools compatible, kexec_file_load only).</summary>
public static class KexecCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("kexec: not implemented yet in this build of dumpkit");
        return 1;
    }
}
