using AeroGrid.Operator.Workloads.Local;

namespace AeroGrid.Tests.Operator;

public sealed class LogBoundTests
{
    [Fact]
    public void A_log_past_its_bound_keeps_its_newest_half()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, string.Concat(Enumerable.Range(0, 100).Select(i => $"line {i:D4}\n")));

            LocalAppRuntime.TrimLog(path, maxBytes: 400);

            var text = File.ReadAllText(path);
            Assert.Equal(200, text.Length);
            Assert.EndsWith("line 0099\n", text, StringComparison.Ordinal);
            LocalAppRuntime.TrimLog(path, maxBytes: 400);
            Assert.Equal(200, new FileInfo(path).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
