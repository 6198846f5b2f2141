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
        File.ReadAllText(Path.Combine(DrawTestData.RepoRoot(), "ExpertPool.Worker", "ExpertPool.Worker.csproj")).Should().NotContain("ExpertPool.Api");
    }
}
