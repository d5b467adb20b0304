namespace Dumpkit.Kexec.Tests;

public class EntryPointTests
{
    [Fact]
    public void UnbuiltPersonalitiesSaySo()
    {
        Assert.Equal(1, KexecCommand.Run([]));
        Assert.Equal(1, KdumpCommand.Run([]));
    }
}
