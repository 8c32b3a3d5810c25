package io.q3tts.domain.residency;

import io.q3tts.ports.in.models.ModelResidency;
import io.q3tts.ports.model.ConflictException;
import io.q3tts.ports.model.NotFoundException;
import io.q3tts.ports.model.UnavailableException;
import io.q3tts.ports.out.catalog.LoadedModel;
import io.q3tts.ports.out.catalog.ModelCatalog;
import io.q3tts.ports.out.catalog.ModelDescriptor;
import io.q3tts.ports.out.catalog.ModelLoader;
import io.q3tts.ports.out.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps at most N models in memory, loads on demand, evicts the least recently used, and never
 * frees a model that is in use.
 *
 * <ul>
 *   <li><b>Leases.</b> Work on a model holds a {@link ModelLease}; the manager counts them per model.</li>
 *   <li><b>Limit.</b> Generation models and tokenizer-only models are counted apart
 *   ({@link ResidencyPolicy#maxResident()}, {@link ResidencyPolicy#maxResidentTokenizers()}); a model
 *   being loaded or evicted counts too, so memory is never oversubscribed by a load racing an unload.</li>
 *   <li><b>Eviction.</b> When a load needs room, the victim is the least recently used idle model of
 *   its class, or if all are busy the least recently used busy one. The victim stops accepting new
 *   leases (they wait and reload it later), the evictor waits for its in-flight leases to close (at
 *   most {@link ResidencyPolicy#evictionTimeout()}, then {@link ConflictException} and the victim
 *   stays), then closes it, then loads.</li>
 *   <li><b>Idle unload.</b> {@link #unloadIdle()} closes models idle for
 *   {@link ResidencyPolicy#idleUnloadAfter()} by the injected clock; the composition root calls it
 *   periodically.</li>
 *   <li><b>Deadlock guard.</b> A thread that holds a lease never waits for that lease's model to be
 *   evicted: such a model is skipped as a victim, and if no other victim exists the acquire fails
 *   with {@link IllegalStateException} (a programming error: close the lease first).</li>
 * </ul>
 *
 * <p>Thread-safe. Loading and closing run outside the lock, on the calling thread.
 */
public final class ModelResidencyManager implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ModelResidencyManager.class.getName());

    private final ModelCatalog catalog;
    private final ModelLoader loader;
    private final ResidencyPolicy policy;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final ThreadLocal<Map<Entry, Integer>> held = ThreadLocal.withInitial(HashMap::new);
    private boolean closed;

    /**
     * @param catalog finds bundles by id, never null
     * @param loader loads them, never null
     * @param policy limits, never null
     * @param clock time for LRU and idle decisions, never null
     */
    public ModelResidencyManager(ModelCatalog catalog, ModelLoader loader, ResidencyPolicy policy, Clock clock) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @return the policy */
    public ResidencyPolicy policy() {
        return policy;
    }

    /**
     * Leases a model, loading it first if needed (evicting another if the limit is reached).
     * Blocks while the model loads, or while another thread loads or evicts it.
     *
     * @param modelId an installed model's id
     * @return an open lease; close it when the work is done
     * @throws NotFoundException (field {@code model}) if the model is not installed
     * @throws ConflictException if the model to evict stayed busy past the eviction timeout
     * @throws UnavailableException after {@link #close()}
     * @throws io.q3tts.ports.model.ModelException if loading fails
     */
    public ModelLease acquire(String modelId) {
        ModelDescriptor descriptor = catalog.find(modelId)
                .orElseThrow(() -> new NotFoundException("model", "Model '" + modelId + "' is not installed."));
        boolean generation = descriptor.generates();
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new UnavailableException("The service is shutting down.");
                }
                Entry e = entries.get(modelId);
                if (e != null) {
                    if (e.state == ModelResidency.LOADED) {
                        e.users++;
                        e.lastUsed = clock.now();
                        held.get().merge(e, 1, Integer::sum);
                        return new ModelLease(this, e);
                    }
                    changed.awaitUninterruptibly();
                    continue;
                }
                if (countLocked(generation) >= limit(generation)) {
                    Entry victim = victimLocked(generation);
                    if (victim == null) {
                        if (entries.values().stream().filter(x -> x.generation == generation)
                                .allMatch(x -> x.state == ModelResidency.LOADED && isHeldHere(x))) {
                            throw new IllegalStateException("Cannot load '" + modelId + "': this thread holds a lease on the only "
                                    + "model that could be evicted. Close it first.");
                        }
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    evictLocked(victim);
                    continue;
                }
                Entry fresh = new Entry(descriptor, generation);
                entries.put(modelId, fresh);
                lock.unlock();
                LoadedModel model;
                try {
                    LOG.log(Level.INFO, "Loading model ''{0}''", modelId);
                    model = loader.load(descriptor);
                } catch (RuntimeException | Error ex) {
                    lock.lock();
                    entries.remove(modelId);
                    changed.signalAll();
                    throw ex;
                }
                lock.lock();
                fresh.model = model;
                fresh.state = ModelResidency.LOADED;
                fresh.lastUsed = clock.now();
                changed.signalAll();
                if (closed) {
                    entries.remove(modelId);
                    closeQuietly(fresh);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a model resident now.
     *
     * @param modelId an installed model's id
     * @throws NotFoundException if not installed
     * @throws ConflictException if room could not be made in time
     */
    public void load(String modelId) {
        try (ModelLease _ = acquire(modelId)) {
            // Acquiring loads it; the lease is released at once.
        }
    }

    /**
     * Unloads a model, waiting for its in-flight work (bounded by the eviction timeout).
     *
     * @param modelId a model id
     * @return whether it was resident
     * @throws ConflictException if its work did not finish in time (it stays loaded)
     */
    public boolean unload(String modelId) {
        lock.lock();
        try {
            while (true) {
                Entry e = entries.get(modelId);
                if (e == null) {
                    return false;
                }
                if (e.state == ModelResidency.LOADED) {
                    if (isHeldHere(e)) {
                        throw new IllegalStateException("this thread holds a lease on '" + modelId + "'");
                    }
                    evictLocked(e);
                    return true;
                }
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unloads every model that has been idle (no lease) for at least
     * {@link ResidencyPolicy#idleUnloadAfter()}. Does nothing if that is zero.
     *
     * @return how many models were unloaded
     */
    public int unloadIdle() {
        if (policy.idleUnloadAfter().isZero()) {
            return 0;
        }
        List<Entry> idle = new ArrayList<>();
        lock.lock();
        try {
            Instant now = clock.now();
            for (Entry e : entries.values()) {
                if (e.state == ModelResidency.LOADED && e.users == 0
                        && !Duration.between(e.lastUsed, now).minus(policy.idleUnloadAfter()).isNegative()) {
                    e.state = ModelResidency.UNLOADING;
                    idle.add(e);
                }
            }
            if (idle.isEmpty()) {
                return 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry e : idle) {
            LOG.log(Level.INFO, "Unloading model ''{0}'' after {1} idle", e.descriptor.id(), policy.idleUnloadAfter());
            closeQuietly(e);
        }
        lock.lock();
        try {
            idle.forEach(e -> entries.remove(e.descriptor.id()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return idle.size();
    }

    /**
     * @param modelId a model id
     * @return its residency now
     */
    public ResidencySnapshot snapshot(String modelId) {
        lock.lock();
        try {
            Entry e = entries.get(modelId);
            return e == null ? ResidencySnapshot.AVAILABLE
                    : new ResidencySnapshot(e.state, e.users, e.lastUsed, e.model == null ? 0 : memoryOf(e));
        } finally {
            lock.unlock();
        }
    }

    /** @return ids of models that are loaded (not loading or unloading), least recently used first */
    public List<String> residentIds() {
        lock.lock();
        try {
            return entries.values().stream().filter(e -> e.state == ModelResidency.LOADED)
                    .sorted((a, b) -> a.lastUsed.compareTo(b.lastUsed)).map(e -> e.descriptor.id()).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new leases and unloads every model, waiting for in-flight work up to the eviction
     * timeout in total; a model still busy after that is closed anyway (shutdown must finish).
     */
    @Override
    public void close() {
        close(policy.evictionTimeout());
    }

    /**
     * As {@link #close()}, with another bound on the wait for in-flight work.
     *
     * @param maxWait the longest total wait, never negative
     */
    public void close(Duration maxWait) {
        List<Entry> toClose = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            long deadline = System.nanoTime() + maxWait.toNanos();
            for (Entry e : List.copyOf(entries.values())) {
                if (e.state != ModelResidency.LOADED) {
                    continue;
                }
                e.state = ModelResidency.UNLOADING;
                while (e.users > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.log(Level.WARNING, "Closing model ''{0}'' with {1} lease(s) still open", e.descriptor.id(), e.users);
                        break;
                    }
                    try {
                        changed.awaitNanos(left);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                toClose.add(e);
            }
        } finally {
            lock.unlock();
        }
        toClose.forEach(this::closeQuietly);
        lock.lock();
        try {
            toClose.forEach(e -> entries.remove(e.descriptor.id()));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void release(Entry e) {
        lock.lock();
        try {
            e.users--;
            e.lastUsed = clock.now();
            Map<Entry, Integer> mine = held.get();
            mine.computeIfPresent(e, (k, n) -> n > 1 ? n - 1 : null);
            if (e.users == 0) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Called with the lock held; returns with it held. Unlocks while waiting and while closing. */
    private void evictLocked(Entry victim) {
        victim.state = ModelResidency.UNLOADING;
        changed.signalAll();
        long nanos = policy.evictionTimeout().toNanos();
        while (victim.users > 0) {
            if (nanos <= 0) {
                victim.state = ModelResidency.LOADED;
                changed.signalAll();
                throw new ConflictException("Model '" + victim.descriptor.id() + "' is still in use after "
                        + policy.evictionTimeout().toSeconds() + " s; it cannot be unloaded now.");
            }
            try {
                nanos = changed.awaitNanos(nanos);
            } catch (InterruptedException ie) {
                victim.state = ModelResidency.LOADED;
                changed.signalAll();
                Thread.currentThread().interrupt();
                throw new UnavailableException("Interrupted while waiting to unload '" + victim.descriptor.id() + "'.");
            }
        }
        LOG.log(Level.INFO, "Unloading model ''{0}''", victim.descriptor.id());
        lock.unlock();
        try {
            closeQuietly(victim);
        } finally {
            lock.lock();
            entries.remove(victim.descriptor.id());
            changed.signalAll();
        }
    }

    private Entry victimLocked(boolean generation) {
        Entry idle = null;
        Entry busy = null;
        for (Entry e : entries.values()) {
            if (e.generation != generation || e.state != ModelResidency.LOADED || isHeldHere(e)) {
                continue;
            }
            if (e.users == 0) {
                if (idle == null || e.lastUsed.isBefore(idle.lastUsed)) {
                    idle = e;
                }
            } else if (busy == null || e.lastUsed.isBefore(busy.lastUsed)) {
                busy = e;
            }
        }
        return idle != null ? idle : busy;
    }

    private int countLocked(boolean generation) {
        int n = 0;
        for (Entry e : entries.values()) {
            if (e.generation == generation) {
                n++;
            }
        }
        return n;
    }

    private int limit(boolean generation) {
        return generation ? policy.maxResident() : policy.maxResidentTokenizers();
    }

    private boolean isHeldHere(Entry e) {
        return held.get().containsKey(e);
    }

    private void closeQuietly(Entry e) {
        try {
            if (e.model != null) {
                e.model.close();
            }
        } catch (RuntimeException ex) {
            LOG.log(Level.WARNING, "Closing model '" + e.descriptor.id() + "' failed", ex);
        }
    }

    /** A model's own estimate; a failing adapter must not break the models listing. */
    private static long memoryOf(Entry e) {
        try {
            return Math.max(0, e.model.memoryBytes());
        } catch (RuntimeException ex) {
            LOG.log(Level.DEBUG, "Model '" + e.descriptor.id() + "' cannot tell its memory use", ex);
            return 0;
        }
    }

    /** One model's residency record. Guarded by the manager's lock, except the final fields. */
    static final class Entry {
        final ModelDescriptor descriptor;
        final boolean generation;
        ModelResidency state = ModelResidency.LOADING;
        LoadedModel model;
        int users;
        Instant lastUsed;

        Entry(ModelDescriptor descriptor, boolean generation) {
            this.descriptor = descriptor;
            this.generation = generation;
        }
    }
}
