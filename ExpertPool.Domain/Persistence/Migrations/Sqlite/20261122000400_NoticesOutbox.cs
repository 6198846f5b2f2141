// Hand-written: EF design-time tools are not available here. See docs/decisions/002-hand-written-migrations.md.
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ExpertPool.Domain.Persistence.Migrations.Sqlite;

/// <summary>The notices outbox: rendered messages and their attachments, written in the same transaction as the change that causes them.</summary>
[DbContext(typeof(SqliteExpertPoolDbContext))]
[Migration("20261122000400_NoticesOutbox")]
public sealed class NoticesOutbox : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""
CREATE TABLE "outbox_messages" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_outbox_messages" PRIMARY KEY,
    "MessageId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "CorrelationId" TEXT NULL,
    "RecipientEmail" TEXT NOT NULL,
    "RecipientName" TEXT NOT NULL,
    "Language" TEXT NOT NULL,
    "Subject" TEXT NOT NULL,
    "TextBody" TEXT NOT NULL,
    "HtmlBody" TEXT NOT NULL,
    "CreatedAt" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "NextAttemptAt" TEXT NOT NULL,
    "LastError" TEXT NULL,
    "SentAt" TEXT NULL,
    "LockedUntil" TEXT NULL,
    "LockedBy" TEXT NULL
);
""");

        migrationBuilder.Sql("""
CREATE TABLE "outbox_attachments" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_outbox_attachments" PRIMARY KEY,
    "OutboxMessageId" TEXT NOT NULL,
    "Position" INTEGER NOT NULL,
    "FileName" TEXT NOT NULL,
    "ContentType" TEXT NOT NULL,
    "Content" BLOB NOT NULL,
    CONSTRAINT "FK_outbox_attachments_outbox_messages_OutboxMessageId" FOREIGN KEY ("OutboxMessageId") REFERENCES "outbox_messages" ("Id") ON DELETE CASCADE
);
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_outbox_attachments_OutboxMessageId_Position" ON "outbox_attachments" ("OutboxMessageId", "Position");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_outbox_messages_CorrelationId" ON "outbox_messages" ("CorrelationId");
""");

        migrationBuilder.Sql("""
CREATE UNIQUE INDEX "IX_outbox_messages_MessageId" ON "outbox_messages" ("MessageId");
""");

        migrationBuilder.Sql("""
CREATE INDEX "IX_outbox_messages_Status_NextAttemptAt" ON "outbox_messages" ("Status", "NextAttemptAt");
""");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("""DROP TABLE "outbox_attachments";""");
        migrationBuilder.Sql("""DROP TABLE "outbox_messages";""");
    }
}
