namespace Dumpkit.Tcpdump.Tests;

public class SmokeTests
{
    [Fact]
    public void UnknownBuildSaysSo() => Assert.Equal(1, TcpdumpCommand.Run([]));
}
