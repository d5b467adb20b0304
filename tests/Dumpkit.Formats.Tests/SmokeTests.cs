namespace Dumpkit.Formats.Tests;

public class SmokeTests
{
    [Fact]
    public void Placeholder() => Assert.True(true);
}
