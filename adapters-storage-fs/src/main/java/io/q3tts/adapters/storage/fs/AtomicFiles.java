package io.q3tts.adapters.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Crash-safe file operations shared by the repositories. Everything they create is owner-only where
 * the file system has POSIX permissions (files 0600, folders 0700, whatever the umask): voice clips
 * are biometric data and outputs are the user's own, so other accounts on a shared machine must not
 * read them (docs/security.md).
 */
final class AtomicFiles {

    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> FILE_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> DIR_MODE =
            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");

    /** Prefix of every temporary file or folder; such names are never valid ids (ids start with a letter or digit). */
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    /**
     * Writes {@code data} to a temporary sibling, forces it to disk, then renames it over {@code target}.
     */
    static void write(Path target, byte[] data) throws IOException {
        Path temp = tempSibling(target);
        try {
            writeDurably(temp, data);
            move(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.getParent());
    }

    /** Writes a new file and forces its content to disk (no rename: for files inside a temporary folder). */
    static void writeDurably(Path file, byte[] data) throws IOException {
        java.nio.file.attribute.FileAttribute<?>[] attrs = posix(file)
                ? new java.nio.file.attribute.FileAttribute<?>[] {java.nio.file.attribute.PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new java.nio.file.attribute.FileAttribute<?>[0];
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                attrs)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /**
     * Creates a folder, owner-only.
     *
     * @param dir the folder; its parent must exist
     * @throws java.nio.file.FileAlreadyExistsException if it exists
     */
    static void createDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
        restrict(dir, DIR_MODE);
    }

    /**
     * Creates a folder and any missing parents, each owner-only; existing ones are left as they are.
     *
     * @param dir the folder
     */
    static void createDirectories(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
        for (Path p = abs; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.push(p);
        }
        for (Path p : missing) {
            try {
                createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    throw e;
                }
            }
        }
    }

    /**
     * Makes a repository's root folder owner-only (creating it if missing): the files inside are
     * owner-only already, and a readable root would still list their names.
     *
     * @param root the repository's folder
     */
    static void createPrivateRoot(Path root) throws IOException {
        createDirectories(root);
        restrict(root, DIR_MODE);
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void restrict(Path p, java.util.Set<java.nio.file.attribute.PosixFilePermission> mode) throws IOException {
        if (Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(p, mode);
        }
    }

    /** Renames atomically, replacing the target where the file system allows. */
    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** @return a unique, hidden name next to {@code target} */
    static Path tempSibling(Path target) {
        return target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + UUID.randomUUID());
    }

    /**
     * Makes a rename in {@code dir} durable. Some platforms cannot open a directory for syncing;
     * there the rename is still atomic, only its durability across power loss is weaker.
     */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Best effort, see above.
        }
    }

    /** Deletes a file or a folder tree; a missing path is not an error. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Removes a folder from view at once (one rename to a hidden name), then deletes it. A crash
     * in between leaves only a hidden folder, which the next start cleans up.
     *
     * @return whether the folder existed
     */
    static boolean removeFolder(Path folder) throws IOException {
        Path hidden = folder.resolveSibling(TEMP_PREFIX + "del-" + folder.getFileName() + "-" + UUID.randomUUID());
        try {
            Files.move(folder, hidden, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        syncDirectory(folder.getParent());
        deleteTree(hidden);
        return true;
    }

    /** Deletes every temporary entry directly inside {@code dir} (leftovers of a crash). */
    static void cleanTemporaries(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : entries) {
                deleteTree(p);
            }
        }
    }
}
