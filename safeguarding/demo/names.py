"""Word lists for the synthetic partnership: people's names, places, job titles.

Every person the generator makes is invented: a first name and a family name drawn from these lists. The
lists are common names reflecting the West Midlands population (White British and Irish, Punjabi, Pakistani,
Bangladeshi, Gujarati, Black Caribbean, Black African, Polish and Romanian, Chinese and Vietnamese
heritage); no list names a real person. A person's two names usually come from the same heritage group,
sometimes not, as in life. Place names are Walsall's towns and neighbourhoods, used for synthetic
organisations and team names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NameGroup:
    """First and family names that commonly go together, and how often the group is drawn."""

    weight: int
    first_names: tuple[str, ...]
    family_names: tuple[str, ...]


def _names(text: str) -> tuple[str, ...]:
    """Names written as one space-separated string, to keep the lists readable."""
    return tuple(text.split())


NAME_GROUPS: tuple[NameGroup, ...] = (
    NameGroup(
        60,
        _names(
            "Aaron Abigail Adam Alison Amy Andrew Beth Callum Carl Charlotte Chloe Claire Craig Daniel "
            "Dawn Dean Donna Elaine Emily Emma Gareth Gemma Hannah Helen Ian Jack Jade James Jane Jason "
            "Jennifer Joanne Jodie Karen Katie Kelly Kerry Laura Lee Leanne Liam Lisa Louise Lucy Mark "
            "Martin Matthew Megan Michelle Natalie Neil Nicola Oliver Paul Rachel Rebecca Richard Ryan "
            "Sarah Scott Sharon Simon Sophie Stacey Stephen Stuart Tom Tracey Vicky Wayne Zoe Siobhan "
            "Ciara Declan Niamh Eoin"
        ),
        _names(
            "Adams Allen Bailey Baker Bates Bennett Bird Bradley Brookes Carter Chapman Clarke Cooper Cox "
            "Davies Dixon Edwards Ellis Evans Fletcher Foster Green Griffiths Hall Harris Harrison Hill "
            "Holmes Hughes Jackson Jenkins Johnson Jones Kelly Kemp Lane Lloyd Marsh Mason Mills Moore "
            "Morgan Morris Nash Owen Parker Pearce Perry Phillips Powell Price Pritchard Reynolds "
            "Richards Roberts Rowley Shaw Simpson Smith Stevens Taylor Thomas Tonks Turner Walker Ward "
            "Watkins Webb Whitehouse Wilkes Williams Wood Wright Yates Brennan Doyle Gallagher Kavanagh "
            "Murphy O'Connor Quinn"
        ),
    ),
    NameGroup(
        8,
        _names(
            "Amandeep Amrit Baljit Gurpreet Gurdeep Harjit Harpreet Inderjit Jaspal Jasvir Kamaljit "
            "Manjit Navdeep Parminder Rajinder Ravinder Sukhwinder Simran Harleen Jaskaran"
        ),
        _names(
            "Atwal Bains Bassi Dhaliwal Dhillon Gill Grewal Johal Kaur Khaira Mann Randhawa Sandhu Sidhu "
            "Singh Sohal Takhar Virdi"
        ),
    ),
    NameGroup(
        9,
        _names(
            "Aisha Amir Asif Ayesha Bilal Faisal Fatima Hamza Hina Imran Irfan Kashif Khadija Mariam "
            "Nadia Naveed Rabia Saima Sajid Samina Shazia Tariq Usman Yasmin Zainab Zubair"
        ),
        _names(
            "Ahmed Akhtar Ali Anwar Aslam Bashir Butt Chaudhry Hussain Iqbal Javed Khan Mahmood Malik "
            "Mirza Nawaz Qureshi Rashid Riaz Shah"
        ),
    ),
    NameGroup(
        4,
        _names(
            "Abdul Anika Farhana Habib Jahanara Mahfuz Nasrin Rahima Rezaul Ruksana Shamim Sultana "
            "Tahmina Shahid"
        ),
        _names("Begum Chowdhury Hoque Islam Miah Rahman Uddin Alam Karim Sarkar"),
    ),
    NameGroup(
        5,
        _names(
            "Anjali Bhavna Deepak Dipesh Hema Hitesh Jayesh Kiran Meera Nikhil Nisha Pooja Priya Rajesh "
            "Rakesh Sanjay Sunita Vijay Vinod Asha"
        ),
        _names("Chauhan Desai Joshi Kumar Lad Mistry Modi Patel Parmar Shah Solanki"),
    ),
    NameGroup(
        4,
        _names(
            "Andre Carlton Delroy Denise Jermaine Keisha Leroy Marcia Marlon Monique Nadine Shanice "
            "Tyrone Winston Yvonne Janelle"
        ),
        _names("Bailey Brown Campbell Clarke Francis Grant Henry Morrison Reid Thompson"),
    ),
    NameGroup(
        4,
        _names(
            "Abena Adebayo Amara Chidi Chipo Efua Emeka Folake Kwame Nkechi Olumide Tendai Tinashe Yaw "
            "Zanele Segun"
        ),
        _names("Adeyemi Appiah Asante Banda Chikwanha Mensah Moyo Ncube Nwosu Okafor Okonkwo Oyelaran"),
    ),
    NameGroup(
        4,
        _names(
            "Agnieszka Andrei Bogdan Elena Ioana Katarzyna Lukasz Magdalena Marius Piotr Tomasz Monika "
            "Mihaela Radu"
        ),
        _names(
            "Dumitru Ionescu Kaminski Kowalczyk Lewandowski Nowak Popescu Radu Wisniewska Zielinski Stan "
            "Marin"
        ),
    ),
    NameGroup(
        2,
        _names("Chen Hui Jun Li Mei Wei Xin Minh Lan Thanh"),
        _names("Chan Cheung Huang Lam Lee Liu Wong Zhang Nguyen Tran"),
    ),
)

# Walsall's towns and neighbourhoods, for synthetic school, practice and team names.
PLACES: tuple[str, ...] = (
    "Aldridge", "Beechdale", "Birchills", "Blakenall", "Bloxwich", "Brownhills", "Caldmore", "Chuckery",
    "Darlaston", "Goscote", "Leamore", "Moxley", "New Invention", "Palfrey", "Park Hall", "Pelsall",
    "Pheasey", "Pleck", "Rushall", "Shelfield", "Short Heath", "Streetly", "Walsall Wood", "Willenhall",
    "Alumwell", "Bentley", "Clayhanger", "Harden", "Leighswood", "Paddock",
)  # fmt: skip

# Second words for synthetic organisation names ("Pelsall Meadow Primary School").
PLACE_FEATURES: tuple[str, ...] = (
    "Brook", "Meadow", "Oak", "Willow", "Heath", "Park", "Vale", "Green", "Lane", "Hill", "Fields", "Ash",
    "Beacon", "Canal", "Orchard", "Spring", "Elm", "Chase",
)  # fmt: skip

VOLUNTARY_KINDS: tuple[str, ...] = (
    "Family Support Project", "Youth Project", "Women's Aid Centre", "Community Mosque", "Gurdwara",
    "Parish Church", "Foodbank", "Carers' Centre", "Children's Centre Trust", "Boxing Club",
    "Refugee and Migrant Centre", "Young Carers Project",
)  # fmt: skip
