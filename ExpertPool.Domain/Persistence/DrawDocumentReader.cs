using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ExpertPool.Domain.Persistence;

/// <summary>
/// Reads a draw record's stored document as the UTF-8 bytes the database holds, for verification: the hash is taken
/// over those bytes and the parser reads them, so the megabytes of text are never turned into a .NET string and back
/// (through EF, a 100,000-expert record is decoded into ~18 MB of UTF-16 and encoded again). Plain SQL on the context's
/// connection and transaction; the provider-specific part is how a text column's bytes are fetched.
/// </summary>
public static class DrawDocumentReader
{
    private const string Sql = """SELECT "Document" FROM "draw_records" WHERE "Id" = @p0""";

    /// <summary>The document's bytes, or null when there is no such record.</summary>
    public static async Task<byte[]?> ReadUtf8Async(ExpertPoolDbContext db, Guid drawId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = db.Database.GetDbConnection();
            var sqlite = db.Database.IsSqlite();
            if (sqlite && connection is not SqliteConnection)
                throw new NotSupportedException("DrawDocumentReader needs the SqliteConnection itself on SQLite (a wrapped connection would bind the GUID as a blob, which matches nothing).");
            await using var command = connection.CreateCommand();
            command.CommandText = Sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p0";
            // EF stores GUIDs on SQLite as upper-case "D" text.
            parameter.Value = sqlite ? drawId.ToString("D").ToUpperInvariant() : drawId;
            command.Parameters.Add(parameter);

            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
            if (!await reader.ReadAsync(ct))
                return null;
            if (sqlite)
                // SQLite hands a TEXT value's UTF-8 bytes out as a blob, unconverted (the database encoding is UTF-8).
                return reader.GetFieldValue<byte[]>(0);

            // Npgsql streams any column's value as it came over the wire: text arrives in the client encoding, which
            // Npgsql sets to UTF-8.
            await using var stream = reader.GetStream(0);
            var bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, ct);
            return bytes;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
