using Xunit.Abstractions;

namespace ExpertPool.Tests.Fixtures;

/// <summary>
/// PostgreSQL tests run when EXPERTPOOL_TEST_POSTGRES is set (.ci/run sets it). On CI a missing server is a failure;
/// on a developer machine without PostgreSQL the test says why in its output and ends early.
/// </summary>
public static class PostgresRequirement
{
    public static bool IsAvailable(ITestOutputHelper? output)
    {
        if (TestDatabase.PostgresAdminConnectionString is not null)
            return true;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"CI=true but {TestDatabase.PostgresVariable} is not set: PostgreSQL tests must run on CI (.ci/run starts the server).");
        output?.WriteLine($"PostgreSQL not configured ({TestDatabase.PostgresVariable} unset): this PostgreSQL test did not run. Run `bash .ci/run` to start a local server.");
        return false;
    }
}
