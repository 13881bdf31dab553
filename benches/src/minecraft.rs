//! `minecraft`: 500 player save records with nested structs, enums, unions,
//! optional fields and lists of items and strings.

use barewire::Bare;
use serde::{Deserialize, Serialize};

use crate::rng::{Rng, Sum};

/// Players in the dataset.
pub const PLAYERS: usize = 500;

/// A game mode: a BARE enum.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
)]
pub enum GameType {
    /// Survival.
    Survival,
    /// Creative.
    Creative,
    /// Adventure.
    Adventure,
    /// Spectator.
    Spectator,
}

/// A dimension: a BARE union with void variants and a named one.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub enum Dimension<S> {
    /// The overworld.
    Overworld,
    /// The nether.
    Nether,
    /// The end.
    End,
    /// A modded dimension, by name.
    Custom(S),
}

/// An inventory slot.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Item<S> {
    /// Stack size.
    pub count: i8,
    /// Slot number.
    pub slot: u8,
    /// Item id, such as `minecraft:stone`.
    pub id: S,
}

/// What a player may do.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Abilities {
    /// Walking speed.
    pub walk_speed: f32,
    /// Flying speed.
    pub fly_speed: f32,
    /// May fly.
    pub may_fly: bool,
    /// Is flying.
    pub flying: bool,
    /// Takes no damage.
    pub invulnerable: bool,
    /// May place blocks.
    pub may_build: bool,
    /// Breaks blocks instantly.
    pub instabuild: bool,
}

/// A mob or vehicle.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Entity<S> {
    /// Entity type id.
    pub id: S,
    /// Position.
    pub pos: [f64; 3],
    /// Velocity.
    pub motion: [f64; 3],
    /// Yaw and pitch.
    pub rotation: [f32; 2],
    /// Distance fallen.
    pub fall_distance: f32,
    /// Fire ticks.
    pub fire: u16,
    /// Air ticks.
    pub air: u16,
    /// On the ground.
    pub on_ground: bool,
    /// Ignores gravity.
    pub no_gravity: bool,
    /// Takes no damage.
    pub invulnerable: bool,
    /// Ticks until it may use a portal.
    pub portal_cooldown: i32,
    /// Unique id.
    pub uuid: [u32; 4],
    /// Name tag, if any.
    pub custom_name: Option<S>,
    /// Name tag shown.
    pub custom_name_visible: bool,
    /// Makes no sound.
    pub silent: bool,
    /// Glows.
    pub glowing: bool,
}

/// Known recipes and recipe-book settings.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct RecipeBook<S> {
    /// Unlocked recipes.
    pub recipes: Vec<S>,
    /// Recipes not yet seen.
    pub to_be_displayed: Vec<S>,
    /// Crafting filter on.
    pub is_filtering_craftable: bool,
    /// Crafting book open.
    pub is_gui_open: bool,
    /// Furnace filter on.
    pub is_furnace_filtering_craftable: bool,
    /// Furnace book open.
    pub is_furnace_gui_open: bool,
}

/// One player's save data.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Player<S> {
    /// Current game mode.
    pub game_type: GameType,
    /// Previous game mode.
    pub previous_game_type: GameType,
    /// Score.
    pub score: u64,
    /// Current dimension.
    pub dimension: Dimension<S>,
    /// Hotbar slot.
    pub selected_item_slot: u32,
    /// Item in hand.
    pub selected_item: Item<S>,
    /// Spawn dimension, if set.
    pub spawn_dimension: Option<Dimension<S>>,
    /// Spawn x.
    pub spawn_x: i64,
    /// Spawn y.
    pub spawn_y: i64,
    /// Spawn z.
    pub spawn_z: i64,
    /// Forced spawn, if set.
    pub spawn_forced: Option<bool>,
    /// Sleep ticks.
    pub sleep_timer: u16,
    /// Food exhaustion.
    pub food_exhaustion_level: f32,
    /// Food saturation.
    pub food_saturation_level: f32,
    /// Food timer.
    pub food_tick_timer: u32,
    /// Experience level.
    pub xp_level: u32,
    /// Progress to the next level.
    pub xp_p: f32,
    /// Total experience.
    pub xp_total: i32,
    /// Enchantment seed.
    pub xp_seed: i32,
    /// Inventory.
    pub inventory: Vec<Item<S>>,
    /// Ender chest.
    pub ender_items: Vec<Item<S>>,
    /// Abilities.
    pub abilities: Abilities,
    /// Where the player entered the nether, if ever.
    pub entered_nether_position: Option<[f64; 3]>,
    /// What the player rides, if anything.
    pub root_vehicle: Option<Entity<S>>,
    /// Parrot on the left shoulder.
    pub shoulder_entity_left: Option<Entity<S>>,
    /// Parrot on the right shoulder.
    pub shoulder_entity_right: Option<Entity<S>>,
    /// Has seen the end credits.
    pub seen_credits: bool,
    /// Recipe book.
    pub recipe_book: RecipeBook<S>,
}

/// The dataset. `Players<&str>` is its borrowed form.
#[derive(
    Bare,
    Serialize,
    Deserialize,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    Debug,
    Clone,
    PartialEq,
)]
pub struct Players<S> {
    /// The players.
    pub players: Vec<Player<S>>,
}

const ITEMS: &[&str] = &[
    "dirt",
    "stone",
    "cobblestone",
    "oak_planks",
    "torch",
    "iron_ingot",
    "diamond",
    "bread",
    "iron_pickaxe",
    "diamond_sword",
    "bow",
    "arrow",
    "redstone",
    "glass",
    "sand",
    "gravel",
];
const ENTITIES: &[&str] = &[
    "pig", "horse", "minecart", "boat", "parrot", "strider", "llama",
];

fn game_type(rng: &mut Rng) -> GameType {
    rng.pick(&[
        GameType::Survival,
        GameType::Creative,
        GameType::Adventure,
        GameType::Spectator,
    ])
}

fn dimension(rng: &mut Rng) -> Dimension<String> {
    match rng.below(5) {
        0 | 1 => Dimension::Overworld,
        2 => Dimension::Nether,
        3 => Dimension::End,
        _ => Dimension::Custom(format!("{}:{}", rng.word(2), rng.word(3))),
    }
}

fn item(rng: &mut Rng) -> Item<String> {
    Item {
        count: rng.range(1, 64) as i8,
        slot: rng.below(36) as u8,
        id: format!("minecraft:{}", rng.pick(ITEMS)),
    }
}

fn f64_in(rng: &mut Rng, scale: f64) -> f64 {
    rng.unit_f64() * 2.0 * scale - scale
}

fn entity(rng: &mut Rng) -> Entity<String> {
    Entity {
        id: format!("minecraft:{}", rng.pick(ENTITIES)),
        pos: [f64_in(rng, 1e4), f64_in(rng, 256.0), f64_in(rng, 1e4)],
        motion: [f64_in(rng, 1.0), f64_in(rng, 1.0), f64_in(rng, 1.0)],
        rotation: [rng.unit_f32() * 360.0, rng.unit_f32() * 180.0 - 90.0],
        fall_distance: rng.unit_f32() * 10.0,
        fire: rng.below(100) as u16,
        air: 300,
        on_ground: rng.chance(0.5),
        no_gravity: rng.chance(0.1),
        invulnerable: rng.chance(0.05),
        portal_cooldown: rng.below(300) as i32,
        uuid: [0; 4].map(|_: u32| rng.next_u64() as u32),
        custom_name: rng.chance(0.3).then(|| rng.word(3)),
        custom_name_visible: rng.chance(0.2),
        silent: rng.chance(0.1),
        glowing: rng.chance(0.05),
    }
}

fn recipes(rng: &mut Rng, max: usize) -> Vec<String> {
    (0..rng.len(0, max))
        .map(|_| format!("minecraft:{}_{}", rng.pick(ITEMS), rng.word(2)))
        .collect()
}

impl Players<String> {
    /// Generates [`PLAYERS`] players from `seed`.
    pub fn generate(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let rng = &mut rng;
        let players = (0..PLAYERS)
            .map(|_| Player {
                game_type: game_type(rng),
                previous_game_type: game_type(rng),
                score: rng.below(1 << 40),
                dimension: dimension(rng),
                selected_item_slot: rng.below(9) as u32,
                selected_item: item(rng),
                spawn_dimension: rng.chance(0.5).then(|| dimension(rng)),
                spawn_x: f64_in(rng, 1e6) as i64,
                spawn_y: rng.below(256) as i64,
                spawn_z: f64_in(rng, 1e6) as i64,
                spawn_forced: rng.chance(0.5).then(|| rng.chance(0.5)),
                sleep_timer: rng.below(100) as u16,
                food_exhaustion_level: rng.unit_f32() * 4.0,
                food_saturation_level: rng.unit_f32() * 20.0,
                food_tick_timer: rng.below(80) as u32,
                xp_level: rng.below(100) as u32,
                xp_p: rng.unit_f32(),
                xp_total: rng.below(100_000) as i32,
                xp_seed: rng.next_u64() as i32,
                inventory: (0..rng.len(0, 36)).map(|_| item(rng)).collect(),
                ender_items: (0..rng.len(0, 27)).map(|_| item(rng)).collect(),
                abilities: Abilities {
                    walk_speed: 0.1,
                    fly_speed: 0.05,
                    may_fly: rng.chance(0.2),
                    flying: rng.chance(0.1),
                    invulnerable: rng.chance(0.1),
                    may_build: rng.chance(0.9),
                    instabuild: rng.chance(0.1),
                },
                entered_nether_position: rng
                    .chance(0.5)
                    .then(|| [f64_in(rng, 1e4), f64_in(rng, 128.0), f64_in(rng, 1e4)]),
                root_vehicle: rng.chance(0.3).then(|| entity(rng)),
                shoulder_entity_left: rng.chance(0.2).then(|| entity(rng)),
                shoulder_entity_right: rng.chance(0.2).then(|| entity(rng)),
                seen_credits: rng.chance(0.3),
                recipe_book: RecipeBook {
                    recipes: recipes(rng, 100),
                    to_be_displayed: recipes(rng, 20),
                    is_filtering_craftable: rng.chance(0.5),
                    is_gui_open: rng.chance(0.5),
                    is_furnace_filtering_craftable: rng.chance(0.5),
                    is_furnace_gui_open: rng.chance(0.5),
                },
            })
            .collect();
        Players { players }
    }
}

// ---- read: visit every field into a checksum ------------------------------

fn opt_tag<T>(s: &mut Sum, o: Option<T>) -> Option<T> {
    s.add(u64::from(o.is_some()));
    o
}

impl<S: AsRef<str>> Dimension<S> {
    fn read(&self, s: &mut Sum) {
        match self {
            Dimension::Overworld => s.add(0),
            Dimension::Nether => s.add(1),
            Dimension::End => s.add(2),
            Dimension::Custom(name) => {
                s.add(3);
                s.str(name.as_ref());
            }
        }
    }
}

impl<S: AsRef<str>> Item<S> {
    fn read(&self, s: &mut Sum) {
        s.add(self.count as u64);
        s.add(u64::from(self.slot));
        s.str(self.id.as_ref());
    }
}

impl<S: AsRef<str>> Entity<S> {
    fn read(&self, s: &mut Sum) {
        s.str(self.id.as_ref());
        self.pos.iter().chain(&self.motion).for_each(|&x| s.f64(x));
        self.rotation.iter().for_each(|&x| s.f32(x));
        s.f32(self.fall_distance);
        s.add(u64::from(self.fire));
        s.add(u64::from(self.air));
        s.add(u64::from(self.on_ground));
        s.add(u64::from(self.no_gravity));
        s.add(u64::from(self.invulnerable));
        s.add(self.portal_cooldown as u64);
        self.uuid.iter().for_each(|&x| s.add(u64::from(x)));
        if let Some(name) = opt_tag(s, self.custom_name.as_ref()) {
            s.str(name.as_ref());
        }
        s.add(u64::from(self.custom_name_visible));
        s.add(u64::from(self.silent));
        s.add(u64::from(self.glowing));
    }
}

impl<S: AsRef<str>> Players<S> {
    /// Reads every field (strings by length) into a checksum.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        let s = &mut s;
        for p in &self.players {
            s.add(p.game_type as u64);
            s.add(p.previous_game_type as u64);
            s.add(p.score);
            p.dimension.read(s);
            s.add(u64::from(p.selected_item_slot));
            p.selected_item.read(s);
            if let Some(d) = opt_tag(s, p.spawn_dimension.as_ref()) {
                d.read(s);
            }
            s.add(p.spawn_x as u64);
            s.add(p.spawn_y as u64);
            s.add(p.spawn_z as u64);
            if let Some(&f) = opt_tag(s, p.spawn_forced.as_ref()) {
                s.add(u64::from(f));
            }
            s.add(u64::from(p.sleep_timer));
            s.f32(p.food_exhaustion_level);
            s.f32(p.food_saturation_level);
            s.add(u64::from(p.food_tick_timer));
            s.add(u64::from(p.xp_level));
            s.f32(p.xp_p);
            s.add(p.xp_total as u64);
            s.add(p.xp_seed as u64);
            p.inventory.iter().for_each(|i| i.read(s));
            p.ender_items.iter().for_each(|i| i.read(s));
            let a = &p.abilities;
            s.f32(a.walk_speed);
            s.f32(a.fly_speed);
            for b in [
                a.may_fly,
                a.flying,
                a.invulnerable,
                a.may_build,
                a.instabuild,
            ] {
                s.add(u64::from(b));
            }
            if let Some(pos) = opt_tag(s, p.entered_nether_position.as_ref()) {
                pos.iter().for_each(|&x| s.f64(x));
            }
            for e in [
                &p.root_vehicle,
                &p.shoulder_entity_left,
                &p.shoulder_entity_right,
            ] {
                if let Some(e) = opt_tag(s, e.as_ref()) {
                    e.read(s);
                }
            }
            s.add(u64::from(p.seen_credits));
            let r = &p.recipe_book;
            r.recipes.iter().for_each(|x| s.str(x.as_ref()));
            r.to_be_displayed.iter().for_each(|x| s.str(x.as_ref()));
            for b in [
                r.is_filtering_craftable,
                r.is_gui_open,
                r.is_furnace_filtering_craftable,
                r.is_furnace_gui_open,
            ] {
                s.add(u64::from(b));
            }
        }
        s.0
    }
}

impl ArchivedDimension<String> {
    fn read(&self, s: &mut Sum) {
        match self {
            ArchivedDimension::Overworld => s.add(0),
            ArchivedDimension::Nether => s.add(1),
            ArchivedDimension::End => s.add(2),
            ArchivedDimension::Custom(name) => {
                s.add(3);
                s.str(name);
            }
        }
    }
}

impl ArchivedItem<String> {
    fn read(&self, s: &mut Sum) {
        s.add(self.count as u64);
        s.add(u64::from(self.slot));
        s.str(&self.id);
    }
}

impl ArchivedEntity<String> {
    fn read(&self, s: &mut Sum) {
        s.str(&self.id);
        self.pos
            .iter()
            .chain(&self.motion)
            .for_each(|x| s.f64(x.to_native()));
        self.rotation.iter().for_each(|x| s.f32(x.to_native()));
        s.f32(self.fall_distance.to_native());
        s.add(u64::from(self.fire.to_native()));
        s.add(u64::from(self.air.to_native()));
        s.add(u64::from(self.on_ground));
        s.add(u64::from(self.no_gravity));
        s.add(u64::from(self.invulnerable));
        s.add(self.portal_cooldown.to_native() as u64);
        self.uuid
            .iter()
            .for_each(|x| s.add(u64::from(x.to_native())));
        if let Some(name) = opt_tag(s, self.custom_name.as_ref()) {
            s.str(name);
        }
        s.add(u64::from(self.custom_name_visible));
        s.add(u64::from(self.silent));
        s.add(u64::from(self.glowing));
    }
}

fn archived_game_type(g: &ArchivedGameType) -> u64 {
    match g {
        ArchivedGameType::Survival => 0,
        ArchivedGameType::Creative => 1,
        ArchivedGameType::Adventure => 2,
        ArchivedGameType::Spectator => 3,
    }
}

impl ArchivedPlayers<String> {
    /// Reads every field in place, as [`Players::read`] does.
    pub fn read(&self) -> u64 {
        let mut s = Sum::default();
        let s = &mut s;
        for p in self.players.iter() {
            s.add(archived_game_type(&p.game_type));
            s.add(archived_game_type(&p.previous_game_type));
            s.add(p.score.to_native());
            p.dimension.read(s);
            s.add(u64::from(p.selected_item_slot.to_native()));
            p.selected_item.read(s);
            if let Some(d) = opt_tag(s, p.spawn_dimension.as_ref()) {
                d.read(s);
            }
            s.add(p.spawn_x.to_native() as u64);
            s.add(p.spawn_y.to_native() as u64);
            s.add(p.spawn_z.to_native() as u64);
            if let Some(&f) = opt_tag(s, p.spawn_forced.as_ref()) {
                s.add(u64::from(f));
            }
            s.add(u64::from(p.sleep_timer.to_native()));
            s.f32(p.food_exhaustion_level.to_native());
            s.f32(p.food_saturation_level.to_native());
            s.add(u64::from(p.food_tick_timer.to_native()));
            s.add(u64::from(p.xp_level.to_native()));
            s.f32(p.xp_p.to_native());
            s.add(p.xp_total.to_native() as u64);
            s.add(p.xp_seed.to_native() as u64);
            p.inventory.iter().for_each(|i| i.read(s));
            p.ender_items.iter().for_each(|i| i.read(s));
            let a = &p.abilities;
            s.f32(a.walk_speed.to_native());
            s.f32(a.fly_speed.to_native());
            for b in [
                a.may_fly,
                a.flying,
                a.invulnerable,
                a.may_build,
                a.instabuild,
            ] {
                s.add(u64::from(b));
            }
            if let Some(pos) = opt_tag(s, p.entered_nether_position.as_ref()) {
                pos.iter().for_each(|x| s.f64(x.to_native()));
            }
            for e in [
                &p.root_vehicle,
                &p.shoulder_entity_left,
                &p.shoulder_entity_right,
            ] {
                if let Some(e) = opt_tag(s, e.as_ref()) {
                    e.read(s);
                }
            }
            s.add(u64::from(p.seen_credits));
            let r = &p.recipe_book;
            r.recipes.iter().for_each(|x| s.str(x));
            r.to_be_displayed.iter().for_each(|x| s.str(x));
            for b in [
                r.is_filtering_craftable,
                r.is_gui_open,
                r.is_furnace_filtering_craftable,
                r.is_furnace_gui_open,
            ] {
                s.add(u64::from(b));
            }
        }
        s.0
    }
}

// ---- read one scalar, and the zero-copy layout ---------------------------

impl<S> Players<S> {
    /// The wrapping sum of every player's `score`: the "read one scalar from
    /// every record" step of the access benchmarks.
    pub fn sum_scores(&self) -> u64 {
        self.players.iter().fold(0, |a, p| a.wrapping_add(p.score))
    }

    /// [`PlayersLayout::set_scores`] on the owned value.
    pub fn set_scores(&mut self, score: u64) {
        self.players.iter_mut().for_each(|p| p.score = score);
    }
}

impl ArchivedPlayers<String> {
    /// [`Players::sum_scores`] in place.
    pub fn sum_scores(&self) -> u64 {
        self.players
            .iter()
            .fold(0, |a, p| a.wrapping_add(p.score.to_native()))
    }
}

impl PlayersLayout<&[u8], String> {
    /// [`Players::sum_scores`] in place.
    pub fn sum_scores(&self) -> u64 {
        self.players()
            .iter()
            .fold(0, |a, p| a.wrapping_add(p.score()))
    }
}

impl PlayersLayout<&mut [u8], String> {
    /// Sets every player's `score` in place; returns the number of players.
    pub fn set_scores(&mut self, score: u64) -> usize {
        let mut players = self.players_mut();
        for i in 0..players.len() {
            players
                .get_mut(i)
                .expect("index below len")
                .score_mut()
                .set(score);
        }
        players.len()
    }
}
