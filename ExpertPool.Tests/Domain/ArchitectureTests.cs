using System.Reflection;

namespace ExpertPool.Tests.Domain;

public class ArchitectureTests
{
    private static IEnumerable<string> References(Assembly assembly) => assembly.GetReferencedAssemblies().Select(a => a.Name!);

    [Fact]
    public void Domain_ReferencesNoAspNetCoreAssembly()
    {
        var domain = typeof(ExpertPool.Domain.Experts.Expert).Assembly;

        References(domain).Where(n => n.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)).Should().BeEmpty();
        References(domain).Should().NotContain(["ExpertPool.Api", "ExpertPool.Worker"]);
    }

    [Fact]
    public void Worker_NeverReferencesTheApi()
    {
        var worker = Assembly.Load("ExpertPool.Worker");

        References(worker).Should().NotContain("ExpertPool.Api");
        File.ReadAllText(Path.Combine(RepoRoot(), "ExpertPool.Worker", "ExpertPool.Worker.csproj")).Should().NotContain("ExpertPool.Api");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExpertPool.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ExpertPool.sln not found above the test binaries.");
    }
}
