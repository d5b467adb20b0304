// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Cli;

namespace Dumpkit.Cli.Tests;

/// <summary>
/// The system's words for a failure come from the errno, as a C tool prints them: each case fails a .NET call and
/// the same call in coreutils (cat reads, tee creates), and the texts must be the same.
/// </summary>
public class SystemErrorsTests
{
    /// <summary>The text after the last ": " of what the coreutils tool printed on stderr.</summary>
    private static string CoreutilsError(string tool, string path)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.NotEqual(0, p.ExitCode);
        var line = err.TrimEnd('\n');
        return line[(line.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
    }

    private static Exception Failure(Action a)
    {
        try { a(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("the operation did not fail");
    }

    [SkippableFact]
    public void ReadingAMissingFileIsSaidAsCatSaysIt()
    {
        Skip.IfNot(File.Exists("/bin/cat"), "needs coreutils");
        using var dir = new TestDir();
        string path = Path.Combine(dir.Path, "missing");
        var e = Failure(() => File.OpenRead(path).Dispose());
        Assert.Equal(CoreutilsError("/bin/cat", path), SystemErrors.Text(e, path));
        string deep = Path.Combine(dir.Path, "no", "such", "dir");
        var e2 = Failure(() => File.OpenRead(deep).Dispose());
        Assert.Equal(CoreutilsError("/bin/cat", deep), SystemErrors.Text(e2, deep));
    }

    [SkippableFact]
    public void AFileWhereADirectoryShouldBeIsSaidAsCatSaysIt()
    {
        Skip.IfNot(File.Exists("/bin/cat"), "needs coreutils");
        using var dir = new TestDir();
        string file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "x");
        string path = Path.Combine(file, "below");
        var e = Failure(() => File.OpenRead(path).Dispose());
        Assert.Equal(CoreutilsError("/bin/cat", path), SystemErrors.Text(e, path));
    }

    [SkippableFact]
    public void CreatingOverADirectoryIsSaidAsTeeSaysIt()
    {
        Skip.IfNot(File.Exists("/usr/bin/tee"), "needs coreutils");
        using var dir = new TestDir();
        var e = Failure(() => new FileStream(dir.Path, FileMode.Create, FileAccess.Write).Dispose());
        Assert.Equal(CoreutilsError("/usr/bin/tee", dir.Path), SystemErrors.Text(e, dir.Path));
    }

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void AnUnreadableFileIsSaidAsCatSaysIt()
    {
        Skip.IfNot(File.Exists("/bin/cat"), "needs coreutils");
        Skip.If(Environment.UserName == "root", "root reads every file");
        using var dir = new TestDir();
        string path = Path.Combine(dir.Path, "secret");
        File.WriteAllText(path, "x");
        File.SetUnixFileMode(path, UnixFileMode.None);
        var e = Failure(() => File.OpenRead(path).Dispose());
        Assert.Equal(CoreutilsError("/bin/cat", path), SystemErrors.Text(e, path));
    }

    [Fact]
    public void TheRuntimesResourceKeysAreNeverPassedOn()
    {
        // the messages the NativeAOT binary printed before (issue 18), and sentences of our own
        Assert.True(SystemErrors.LooksLikeResourceKey("IO_PathNotFound_Path, /nonexistent/dir/out"));
        Assert.True(SystemErrors.LooksLikeResourceKey("UnauthorizedAccess_IODenied_Path, /tmp/x"));
        Assert.True(SystemErrors.LooksLikeResourceKey("Argument_EmptyString Arg_ParamName_Name, path"));
        Assert.False(SystemErrors.LooksLikeResourceKey("open_dump_file: Can't open the dump file(x). File exists"));
        Assert.False(SystemErrors.LooksLikeResourceKey("the size limit of 100 bytes (-L) is reached"));
        Assert.False(SystemErrors.LooksLikeResourceKey("read_vmcoreinfo: bad line"));
        var ours = new IOException("the dump ended early");
        Assert.Equal("the dump ended early", SystemErrors.Message(ours));
        var key = new IOException("IO_FileExists_Name, /x");
        Assert.DoesNotContain("_", SystemErrors.Message(key));
        var kind = SystemErrors.Text(new ArgumentOutOfRangeException("x"));
        Assert.Equal("internal error (ArgumentOutOfRange)", kind);
    }
}

/// <summary>A temporary directory removed at the end of a test.</summary>
internal sealed class TestDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dumpkit-cli-test-").FullName;
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
