namespace Dumpkit.Makedumpfile;

/// <summary>Entry point of the <c>makedumpfile</c> personality.</summary>
public static class MakedumpfileCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("makedumpfile: not implemented yet");
        return 1;
    }
}
