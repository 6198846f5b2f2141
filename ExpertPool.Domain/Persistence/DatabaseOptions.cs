using System.ComponentModel.DataAnnotations;

namespace ExpertPool.Domain.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    /// <summary>Sqlite (embedded default) or Postgres.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>ADO.NET connection string. For SQLite the default is a file under the content root's data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the Api starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.Postgres && string.IsNullOrWhiteSpace(ConnectionString))
            yield return new ValidationResult("Database:ConnectionString is required when Database:Provider is Postgres.", [nameof(ConnectionString)]);
    }
}
